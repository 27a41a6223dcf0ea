"""An offer's allocation: first come by default, or a ballot with its window, quotas and committed seed."""
import hashlib
import json

import pytest
from sqlalchemy import select, update

from services.catalog.models import Offer
from shared.events import Envelope, stream_name
from shared.timeutil import utcnow
from tests.helpers import assert_problem
from tests.factories import iso, make_offer, offer_body, union_tree


@pytest.fixture
def tree(client, admin):
    return union_tree(client, admin)


def ballot(**overrides):
    body = {"mode": "ballot", "applications_open_at": iso(hours=-1), "applications_close_at": iso(days=1)}
    body.update(overrides)
    return body


def test_first_come_is_the_default_and_unchanged(client, admin, tree):
    offer = make_offer(client, admin, tree["sip"]["id"])
    assert offer["allocation"] == {"mode": "first_come", "applications_open_at": None,
                                   "applications_close_at": None, "accept_within_hours": None,
                                   "priority_worker_categories": [], "quotas": [], "period_days": None,
                                   "seed_sha256": None}
    again = make_offer(client, admin, tree["sip"]["id"], allocation={"mode": "first_come"})
    assert again["allocation"]["mode"] == "first_come"


def test_a_ballot_round_trips_with_its_defaults_and_commits_its_seed_at_publish(client, admin, tree, dbs):
    quotas = [{"worker_categories": ["new_employment"], "districts": [], "share": 0.3},
              {"worker_categories": [], "districts": ["gusu", "sip"], "share": 0.2}]
    draft = make_offer(client, admin, tree["sip"]["id"], publish=False,
                       allocation=ballot(quotas=quotas, priority_worker_categories=["delivery_rider"]))
    alloc = draft["allocation"]
    assert alloc["mode"] == "ballot" and alloc["accept_within_hours"] == 48 and alloc["period_days"] == 365
    assert alloc["quotas"] == quotas and alloc["priority_worker_categories"] == ["delivery_rider"]
    assert alloc["seed_sha256"] is None and alloc["applications_close_at"].endswith("+08:00")
    published = client.post(f"/catalog/offers/{draft['id']}/publish", token=admin).get_json()
    commitment = published["allocation"]["seed_sha256"]
    with dbs["catalog"].transaction() as s:
        seed = s.scalar(select(Offer.ballot_seed).where(Offer.id == draft["id"]))
    assert len(seed) == 64 and hashlib.sha256(seed.encode()).hexdigest() == commitment
    # The seed is in no answer: not the offer, not the list, for no caller.
    for tok in (None, admin):
        for path in (f"/catalog/offers/{draft['id']}", "/catalog/offers", f"/catalog/offers?q=体检"):
            assert seed not in client.get(path, token=tok).get_data(as_text=True)


def test_the_seed_goes_to_booking_in_the_offer_events_only(client, admin, tree, pump, redis_client, configs, dbs):
    offer = make_offer(client, admin, tree["sip"]["id"], allocation=ballot())
    pump()
    stream = stream_name(configs["catalog"].stream_prefix, "catalog")
    published = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    published = next(e for e in published if e.type == "offer.published")
    assert published.data["allocation"]["seed_sha256"] == offer["allocation"]["seed_sha256"]
    assert hashlib.sha256(published.data["ballot_seed"].encode()).hexdigest() == offer["allocation"]["seed_sha256"]
    first_come = make_offer(client, admin, tree["sip"]["id"])
    pump()
    later = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    plain = next(e for e in later if e.type == "offer.published" and e.data["offer_id"] == first_come["id"])
    assert plain.data["allocation"] == {"mode": "first_come"} and "ballot_seed" not in plain.data


@pytest.mark.parametrize("alloc, field", [
    (ballot(applications_open_at=iso(days=1), applications_close_at=iso(hours=1)), "allocation.applications_close_at"),
    (ballot(applications_close_at=iso(days=5)), "allocation.applications_close_at"),  # after the session starts
    ({"mode": "ballot", "applications_close_at": iso(days=1)}, "allocation.applications_open_at"),
    (ballot(quotas=[{"worker_categories": ["courier"], "share": 0.6},
                    {"districts": ["sip"], "share": 0.5}]), "allocation.quotas"),
    (ballot(quotas=[{"worker_categories": ["courier"], "share": 0}]), "allocation.quotas.0.share"),
    (ballot(quotas=[{"worker_categories": ["courier"], "share": 1.5}]), "allocation.quotas.0.share"),
    (ballot(quotas=[{"worker_categories": ["courier"], "share": "0.3"}]), "allocation.quotas.0.share"),
    (ballot(quotas=[{"worker_categories": ["pilot"], "share": 0.3}]), "allocation.quotas.0.worker_categories.0"),
    (ballot(quotas=[{"districts": ["beijing"], "share": 0.3}]), "allocation.quotas.0.districts.0"),
    (ballot(quotas=[{"share": 0.3}]), "allocation.quotas.0.worker_categories"),
    (ballot(priority_worker_categories=["astronaut"]), "allocation.priority_worker_categories.0"),
    (ballot(accept_within_hours=0), "allocation.accept_within_hours"),
    (ballot(accept_within_hours=2.5), "allocation.accept_within_hours"),
    (ballot(seed_sha256="00" * 32), "allocation.seed_sha256"),
    (ballot(mode="lottery"), "allocation.mode"),
    ({"mode": "first_come", "quotas": []}, "allocation.quotas"),
    (ballot(extra=1), "allocation.extra"),
])
def test_a_ballot_that_does_not_hold_together_is_422(client, admin, tree, alloc, field):
    resp = client.post("/catalog/offers", offer_body(tree["sip"]["id"], allocation=alloc), token=admin)
    body = assert_problem(resp, 422, "validation-error")
    assert field in body["errors"], body["errors"]


def test_the_window_is_checked_against_the_sessions_on_every_change(client, admin, tree):
    draft = make_offer(client, admin, tree["sip"]["id"], publish=False, allocation=ballot())
    early = [{"starts_at": iso(hours=12), "ends_at": iso(hours=14), "capacity": 5}]
    assert_problem(client.patch(f"/catalog/offers/{draft['id']}", {"sessions": early}, token=admin), 422,
                   "validation-error")
    late = ballot(applications_close_at=iso(days=4))
    assert_problem(client.patch(f"/catalog/offers/{draft['id']}", {"allocation": late}, token=admin), 422)
    ok = client.patch(f"/catalog/offers/{draft['id']}", {"allocation": ballot(accept_within_hours=24)}, token=admin)
    assert ok.status_code == 200 and ok.get_json()["allocation"]["accept_within_hours"] == 24
    back = client.patch(f"/catalog/offers/{draft['id']}", {"allocation": {"mode": "first_come"}}, token=admin)
    assert back.get_json()["allocation"]["mode"] == "first_come"


def test_once_published_the_allocation_is_fixed(client, admin, tree, dbs):
    alloc = ballot()
    offer = make_offer(client, admin, tree["sip"]["id"], allocation=alloc)
    url = f"/catalog/offers/{offer['id']}"
    assert_problem(client.patch(url, {"allocation": ballot(accept_within_hours=12)}, token=admin), 409, "invalid-state")
    assert_problem(client.patch(url, {"allocation": {"mode": "first_come"}}, token=admin), 409, "invalid-state")
    same = client.patch(url, {"allocation": alloc, "title": "新标题"}, token=admin)  # a form sends it back: no change
    assert same.status_code == 200 and same.get_json()["allocation"] == offer["allocation"]
    sessions = offer["sessions"] + [{"starts_at": iso(hours=20), "ends_at": iso(hours=22), "capacity": 3}]
    assert_problem(client.patch(url, {"sessions": sessions}, token=admin), 422, "validation-error")
    later = offer["sessions"] + [{"starts_at": iso(days=6), "ends_at": iso(days=6, hours=2), "capacity": 3}]
    assert client.patch(url, {"sessions": later}, token=admin).status_code == 200
    with dbs["catalog"].transaction() as s:  # the window closes
        row = s.get(Offer, offer["id"])
        row.allocation = {**row.allocation, "applications_close_at": utcnow().isoformat()}
    more = client.get(url, token=admin).get_json()["sessions"] + [
        {"starts_at": iso(days=7), "ends_at": iso(days=7, hours=2), "capacity": 3}]
    assert_problem(client.patch(url, {"sessions": [{k: v for k, v in s.items()} for s in more]}, token=admin),
                   409, "invalid-state")


def test_a_ballot_whose_window_has_closed_cannot_be_published(client, admin, tree, dbs):
    draft = make_offer(client, admin, tree["sip"]["id"], publish=False, allocation=ballot())
    with dbs["catalog"].transaction() as s:
        s.execute(update(Offer).where(Offer.id == draft["id"]).values(
            allocation={**draft["allocation"], "mode": "ballot", "applications_close_at": utcnow().isoformat(),
                        "applications_open_at": "2020-01-01T00:00:00+00:00", "seed_sha256": None,
                        "quotas": [], "priority_worker_categories": [], "accept_within_hours": 48,
                        "period_days": 365}))
    assert_problem(client.post(f"/catalog/offers/{draft['id']}/publish", token=admin), 409, "invalid-state")
    assert json.dumps(client.get(f"/catalog/offers/{draft['id']}", token=admin).get_json()["allocation"])
