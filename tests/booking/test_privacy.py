"""Bookings follow the offer for staff; a worker asking about another worker gets 404 (API.md's one rule)."""
from tests.booking.world import book, build
from tests.helpers import assert_problem
from tests.factories import iso, make_offer


def test_a_worker_asking_for_another_workers_bookings_is_404(client, admin, token, pump):
    world = build(client, admin, token, pump)
    book(client, world["tokens"]["w1"], world["session"])
    book(client, world["tokens"]["w2"], world["session"])
    w1 = world["tokens"]["w1"]
    assert_problem(client.get("/booking/bookings?worker_id=w2", token=w1), 404, "not-found")
    own = client.get("/booking/bookings?worker_id=w1", token=w1).get_json()
    assert own["total"] == 1 and own["items"][0]["worker_id"] == "w1"
    assert client.get("/booking/bookings", token=w1).get_json()["total"] == 1


def test_staff_see_a_workers_bookings_only_on_their_unions_offers(client, admin, token, pump):
    world = build(client, admin, token, pump)
    gusu_offer = make_offer(client, admin, world["tree"]["gusu"]["id"], district="gusu",
                            sessions=[{"starts_at": iso(4), "ends_at": iso(4, 2), "capacity": 5}])
    pump()
    sip_booking = book(client, world["tokens"]["w1"], world["session"]).get_json()
    gusu_booking = book(client, world["tokens"]["w1"], gusu_offer["sessions"][0]["id"]).get_json()
    for staff, mine, theirs in ((world["staff"], sip_booking, gusu_booking),
                                (world["other_staff"], gusu_booking, sip_booking)):
        page = client.get("/booking/bookings?worker_id=w1", token=staff).get_json()
        assert [b["id"] for b in page["items"]] == [mine["id"]]
        assert_problem(client.get(f"/booking/bookings/{theirs['id']}", token=staff), 404)
    city = token("staff", union=world["tree"]["city"]["id"])
    assert client.get("/booking/bookings?worker_id=w1", token=city).get_json()["total"] == 2
