"""A newly published offer that answers open needs of eligible workers: matching publishes
offer.matches_need (ids only, chunked), once, and notify puts it in each worker's inbox."""
from __future__ import annotations

import json

from sqlalchemy import select

from services.matching import events as matching_events
from services.matching.models import outbox
from tests.factories import birth_for_age, iso, make_need, make_offer, make_profile, union_tree


def published_answers(dbs) -> list[dict]:
    with dbs["matching"].transaction() as s:
        rows = s.execute(select(outbox.c.type, outbox.c.payload).order_by(outbox.c.seq)).all()
    return [json.loads(r.payload) for r in rows if r.type == "offer.matches_need"]


def setup(client, admin, pump):
    tree = union_tree(client, admin)
    make_profile(client, admin, "w1")
    make_profile(client, admin, "w2", birth_date=birth_for_age(45))  # too old for max_age 40
    make_profile(client, admin, "w3")
    make_profile(client, admin, "w4")
    make_profile(client, admin, "w5")
    needs = {w: make_need(client, admin, w, "想要免费体检", category="health_checkup") for w in ("w1", "w2", "w3", "w5")}
    needs["w1b"] = make_need(client, admin, "w1", "颈椎腰椎检查", category="health_checkup")
    make_need(client, admin, "w4", "申请人才公寓", category="housing")  # another category
    make_need(client, admin, "w6", "想要免费体检", category="health_checkup")  # no profile: eligibility unknown
    pump()
    return tree, needs


def test_publishing_tells_the_eligible_workers_with_open_needs(client, admin, token, pump, dbs):
    tree, needs = setup(client, admin, pump)
    first = make_offer(client, admin, tree["sip"]["id"], eligibility={"max_age": 40})
    pump()
    booking = client.post("/booking/bookings", {"session_id": first["sessions"][0]["id"], "worker_id": "w5"},
                          token=admin)
    assert booking.status_code == 201
    pump()  # w5's need is now fulfilled by the booking
    offer = make_offer(client, admin, tree["sip"]["id"], title="园区职工体检日", eligibility={"max_age": 40},
                       sessions=[{"starts_at": iso(days=6), "ends_at": iso(days=6, hours=3), "capacity": 5}])
    pump()
    answers = [a for a in published_answers(dbs) if a["offer_id"] == offer["id"]]
    assert len(answers) == 1
    (event,) = answers
    assert event["title"] == "园区职工体检日" and event["kind"] == "health_checkup"
    assert event["items"] == [
        {"worker_id": "w1", "need_ids": sorted([needs["w1"]["id"], needs["w1b"]["id"]])},
        {"worker_id": "w3", "need_ids": [needs["w3"]["id"]]},
    ]
    inbox = client.get("/notify/inbox", token=token("worker", "w1")).get_json()["items"]
    assert [(n["type"], n["link"]) for n in inbox] == [("offer.matches_need", f"/offers/{offer['id']}"),
                                                       ("offer.matches_need", f"/offers/{first['id']}")]
    assert client.get("/notify/inbox", token=token("worker", "w2")).get_json()["total"] == 0
    assert client.get("/notify/inbox", token=token("worker", "w4")).get_json()["total"] == 0


def test_an_update_or_a_close_tells_nobody_again(client, admin, pump, dbs):
    tree, _ = setup(client, admin, pump)
    offer = make_offer(client, admin, tree["sip"]["id"])
    pump()
    assert len(published_answers(dbs)) == 1
    resp = client.patch(f"/catalog/offers/{offer['id']}", {"description": "加了说明"}, token=admin)
    assert resp.status_code == 200
    client.post(f"/catalog/offers/{offer['id']}/close", token=admin)
    pump()
    assert len(published_answers(dbs)) == 1


def test_large_answers_come_in_chunks(client, admin, pump, dbs, monkeypatch):
    monkeypatch.setattr(matching_events, "ANSWERS_PER_EVENT", 2)
    tree, _ = setup(client, admin, pump)
    make_offer(client, admin, tree["sip"]["id"])  # no age limit: w1, w2, w3, w5
    pump()
    chunks = published_answers(dbs)
    assert [len(c["items"]) for c in chunks] == [2, 2]
    assert [i["worker_id"] for c in chunks for i in c["items"]] == ["w1", "w2", "w3", "w5"]


def test_an_offer_nobody_needs_publishes_nothing(client, admin, pump, dbs):
    tree, _ = setup(client, admin, pump)
    make_offer(client, admin, tree["sip"]["id"], kind="night_class", title="夜校")
    pump()
    assert published_answers(dbs) == []
