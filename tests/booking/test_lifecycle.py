from datetime import timedelta

import pytest
from sqlalchemy import update

from services.booking.models import BookableSession
from shared.timeutil import utcnow
from tests.booking.world import book, build
from tests.helpers import assert_problem


@pytest.fixture
def world(client, admin, token, pump):
    w = build(client, admin, token, pump, workers=("w1", "w2", "w3", "w4", "w5"))
    w["b"] = {name: book(client, tok, w["session"]).get_json() for name, tok in w["tokens"].items()}
    return w  # w1, w2 confirmed; w3, w4, w5 waitlisted 1, 2, 3


def get(client, world, name):
    return client.get(f"/booking/bookings/{world['b'][name]['id']}", token=world["tokens"][name]).get_json()


def test_cancelling_a_place_promotes_the_first_in_line(client, world):
    resp = client.post(f"/booking/bookings/{world['b']['w1']['id']}/cancel", token=world["tokens"]["w1"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    assert get(client, world, "w3")["status"] == "confirmed"
    assert [get(client, world, n)["waitlist_position"] for n in ("w4", "w5")] == [1, 2]
    avail = client.get(f"/booking/sessions/{world['session']}").get_json()
    assert (avail["confirmed"], avail["waitlisted"]) == (2, 2)


def test_leaving_the_waiting_list_closes_the_gap(client, world):
    client.post(f"/booking/bookings/{world['b']['w4']['id']}/cancel", token=world["tokens"]["w4"])
    assert get(client, world, "w5")["waitlist_position"] == 2
    assert get(client, world, "w3")["waitlist_position"] == 1
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 2


def test_cancel_twice_or_after_the_start(client, world, dbs):
    path = f"/booking/bookings/{world['b']['w1']['id']}/cancel"
    client.post(path, token=world["tokens"]["w1"])
    assert_problem(client.post(path, token=world["tokens"]["w1"]), 409, "invalid-state")
    with dbs["booking"].transaction() as s:
        s.execute(update(BookableSession).values(starts_at=utcnow() - timedelta(minutes=5)))
    assert_problem(client.post(f"/booking/bookings/{world['b']['w2']['id']}/cancel", token=world["tokens"]["w2"]),
                   409, "not-open")


def test_check_in(client, world):
    path = f"/booking/bookings/{world['b']['w1']['id']}/check-in"
    assert_problem(client.post(path, token=world["tokens"]["w1"]), 403)
    assert_problem(client.post(path, token=world["other_staff"]), 404)
    resp = client.post(path, token=world["staff"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "attended"
    assert_problem(client.post(path, token=world["staff"]), 409, "invalid-state")
    assert_problem(client.post(f"/booking/bookings/{world['b']['w3']['id']}/check-in", token=world["staff"]),
                   409, "invalid-state")
    assert_problem(client.post(f"/booking/bookings/{world['b']['w1']['id']}/cancel", token=world["tokens"]["w1"]),
                   409, "invalid-state")


def test_a_worker_never_reaches_another_workers_booking(client, world):
    other = world["b"]["w2"]["id"]
    tok = world["tokens"]["w1"]
    assert_problem(client.get(f"/booking/bookings/{other}", token=tok), 404)
    assert_problem(client.post(f"/booking/bookings/{other}/cancel", token=tok), 404)
    assert_problem(client.post(f"/booking/bookings/{other}/check-in", token=tok), 403)
    mine = client.get("/booking/bookings", token=tok).get_json()
    assert mine["total"] == 1 and mine["items"][0]["worker_id"] == "w1"
    assert client.get(f"/booking/bookings?session_id={world['session']}", token=tok).get_json()["total"] == 1
    assert_problem(client.get(f"/booking/bookings/{other}"), 401)


def test_staff_rosters_only_for_their_unions(client, world, admin):
    roster = client.get(f"/booking/bookings?session_id={world['session']}&per_page=100", token=world["staff"])
    assert roster.get_json()["total"] == 5
    by_offer = client.get(f"/booking/bookings?offer_id={world['offer']['id']}&status=waitlisted", token=world["staff"])
    assert [b["waitlist_position"] for b in by_offer.get_json()["items"]] == [1, 2, 3]
    assert_problem(client.get(f"/booking/bookings?session_id={world['session']}", token=world["other_staff"]), 403)
    assert client.get("/booking/bookings", token=world["other_staff"]).get_json()["total"] == 0
    assert_problem(client.get(f"/booking/bookings/{world['b']['w1']['id']}", token=world["other_staff"]), 404)
    assert client.get("/booking/bookings?per_page=100", token=admin).get_json()["total"] == 5
    assert_problem(client.get("/booking/bookings?session_id=ses_nope", token=world["staff"]), 404)
    assert_problem(client.get("/booking/bookings?status=lost", token=world["staff"]), 422)


def test_more_capacity_moves_the_waiting_list_up(client, world, admin, pump):
    offer = world["offer"]
    session = {**offer["sessions"][0], "capacity": 4}
    assert client.patch(f"/catalog/offers/{offer['id']}", {"sessions": [session]}, token=admin).status_code == 200
    pump()
    assert [get(client, world, n)["status"] for n in ("w3", "w4", "w5")] == ["confirmed", "confirmed", "waitlisted"]
    assert get(client, world, "w5")["waitlist_position"] == 1
