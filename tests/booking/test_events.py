import threading
import time

from services import registry
from shared.config import SERVICES
from shared.events import Envelope, stream_name
from shared.threads import start_threads
from tests.booking.world import book, build
from tests.factories import iso, make_need, make_offer, make_profile, union_tree


def test_booking_changes_are_published(client, admin, token, pump, redis_client, configs):
    world = build(client, admin, token, pump, capacity=1)
    b1 = book(client, world["tokens"]["w1"], world["session"]).get_json()
    book(client, world["tokens"]["w2"], world["session"])
    client.post(f"/booking/bookings/{b1['id']}/cancel", token=world["tokens"]["w1"])
    pump()
    stream = stream_name(configs["booking"].stream_prefix, "booking")
    evs = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    assert [e.type for e in evs] == ["booking.confirmed", "booking.waitlisted", "booking.cancelled",
                                     "booking.promoted"]
    assert evs[3].data["worker_id"] == "w2" and evs[3].data["status"] == "confirmed"


def test_needs_are_fulfilled_and_reopened_and_demand_counts_places(client, admin, token, pump):
    world = build(client, admin, token, pump, capacity=1)
    need = make_need(client, admin, "w1", "想要免费体检")
    make_need(client, admin, "w2", "想体检")
    first = book(client, world["tokens"]["w1"], world["session"]).get_json()
    book(client, world["tokens"]["w2"], world["session"])
    pump()
    status = lambda w: client.get(f"/matching/needs?worker_id={w}", token=admin).get_json()["items"][0]["status"]  # noqa: E731
    assert status("w1") == "fulfilled" and status("w2") == "open"
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["matched_workers"], demand["confirmed"], demand["waitlisted"], demand["unmet"]) == (2, 1, 1, 1)
    unmet = client.get("/matching/unmet-needs", token=admin).get_json()["items"]
    assert [(g["category"], g["open_needs"], g["reason"]) for g in unmet] == [("health_checkup", 1, "full")]
    client.post(f"/booking/bookings/{first['id']}/cancel", token=world["tokens"]["w1"])
    pump()
    assert status("w1") == "open" and status("w2") == "fulfilled"  # w2 was promoted
    assert need["id"] in [n["id"] for n in client.get("/matching/needs?status=open", token=admin).get_json()["items"]]


def test_a_booking_fulfils_only_the_needs_its_offer_serves(client, admin, token, pump):
    world = build(client, admin, token, pump, capacity=2)  # a health checkup offer
    checkup = make_need(client, admin, "w1", "想要免费体检")
    evening = make_need(client, admin, "w1", "想报夜校提升学历")
    make_need(client, admin, "w2", "想报夜校提升学历")  # someone else needs night classes too
    book(client, world["tokens"]["w1"], world["session"])
    pump()
    needs = {n["id"]: n for n in client.get("/matching/needs?worker_id=w1", token=admin).get_json()["items"]}
    assert needs[checkup["id"]]["category"] != needs[evening["id"]]["category"]
    assert needs[checkup["id"]]["status"] == "fulfilled"
    assert needs[evening["id"]]["status"] == "open"


def test_a_change_reaches_booking_within_two_seconds(client, admin, token, configs, dbs, redis_client):
    stop = threading.Event()
    runners = [r for name in SERVICES for r in registry.build_runners(name, configs[name], db=dbs[name],
                                                                       redis=redis_client)]
    for r in runners:
        r.block_ms = 200
    threads = start_threads(runners, stop)
    try:
        tree = union_tree(client, admin)
        make_profile(client, admin, "w1")
        t0 = time.perf_counter()
        offer = make_offer(client, admin, tree["sip"]["id"],
                           sessions=[{"starts_at": iso(2), "ends_at": iso(2, 1), "capacity": 3}])
        session = offer["sessions"][0]["id"]
        while client.get(f"/booking/sessions/{session}").status_code != 200 and time.perf_counter() - t0 < 5:
            time.sleep(0.05)
        took = time.perf_counter() - t0
        assert took < 2, f"offer reached booking after {took:.2f} s"
        deadline = time.perf_counter() + 5
        while book(client, token("worker", "w1"), session).status_code != 201 and time.perf_counter() < deadline:
            time.sleep(0.05)  # the profile travels the same way
        assert client.get(f"/booking/sessions/{session}").get_json()["confirmed"] == 1
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
