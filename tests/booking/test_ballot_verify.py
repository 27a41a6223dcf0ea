"""Anyone can recompute a draw from what is published: `python -m services.cli draw verify`."""
import json

import pytest

from services import cli, drawcheck
from tests.booking.ballot_world import apply, build_ballot, close_window

WORKERS = tuple(f"v{i}" for i in range(10))


@pytest.fixture
def drawn(client, admin, token, pump, dbs):
    world = build_ballot(client, admin, token, pump, workers=WORKERS, capacity=3,
                         alloc={"quotas": [{"worker_categories": ["new_employment"], "share": 0.34}]})
    for w in WORKERS:
        apply(client, world["tokens"][w], world["session"])
    close_window(dbs, world["session"])
    pump()
    world["doc"] = client.get(f"/booking/sessions/{world['session']}/draw").get_json()
    return world


def verify(*argv) -> int:
    with pytest.raises(SystemExit) as done:
        cli.main(["draw", "verify", *argv])
    return done.value.code


def test_a_saved_draw_verifies_and_a_changed_one_does_not(drawn, tmp_path, capsys):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(drawn["doc"], ensure_ascii=False), encoding="utf-8")
    assert verify("--file", str(path)) == 0
    assert "match" in capsys.readouterr().out
    changed = dict(drawn["doc"], order=[dict(e) for e in drawn["doc"]["order"]])
    changed["order"][0]["rank"], changed["order"][1]["rank"] = 2, 1
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert verify("--file", str(path)) == 1
    assert "mismatch" in capsys.readouterr().out
    path.write_text(json.dumps(dict(drawn["doc"], seed="00" * 32)), encoding="utf-8")
    assert verify("--file", str(path)) == 1
    path.write_text("{not json", encoding="utf-8")
    assert verify("--file", str(path)) == 2


def test_from_the_url_the_commitment_is_taken_from_the_offer(drawn, client, monkeypatch, capsys):
    def get(url):
        return client.get(url.removeprefix("http://unionhub.test")).get_json()

    monkeypatch.setattr(drawcheck, "_get", get)
    assert verify(drawn["session"], "--url", "http://unionhub.test/") == 0
    out = capsys.readouterr().out
    assert "match" in out and drawn["doc"]["seed"] in out
    real = get(f"http://unionhub.test/catalog/offers/{drawn['offer']['id']}")

    def get_with_another_commitment(url):
        body = get(url)
        if "/catalog/offers/" in url:
            body["allocation"]["seed_sha256"] = "ff" * 32
        return body

    monkeypatch.setattr(drawcheck, "_get", get_with_another_commitment)
    assert verify(drawn["session"], "--url", "http://unionhub.test") == 1
    assert real["allocation"]["seed_sha256"] in capsys.readouterr().out
    assert verify("--url", "http://unionhub.test") != 0  # the session id is needed
    assert verify(drawn["session"]) != 0  # a source is needed
