"""Every ballot rule's unhappy path, and who may do what."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.booking.models import Booking, BookableSession
from shared.timeutil import utcnow
from tests.booking.ballot_world import apply, build_ballot, close_window, lapse_offers
from tests.booking.world import book, build
from tests.helpers import assert_problem
from tests.factories import iso, make_profile


@pytest.fixture
def world(client, admin, token, pump):
    return build_ballot(client, admin, token, pump, workers=("w1", "w2", "w3", "w4"), capacity=2)


def drawn(client, world, dbs, pump):
    """Everyone applies, the window closes, the worker draws; returns the bookings by worker, in rank order."""
    made = {w: apply(client, tok, world["session"]).get_json() for w, tok in world["tokens"].items()}
    close_window(dbs, world["session"])
    pump()
    got = {w: client.get(f"/booking/bookings/{b['id']}", token=world["tokens"][w]).get_json() for w, b in made.items()}
    return dict(sorted(got.items(), key=lambda kv: kv[1]["ballot"]["rank"]))


def test_applications_only_in_the_window(client, admin, token, pump, dbs):
    early = build_ballot(client, admin, token, pump, workers=("w1",),
                         alloc={"applications_open_at": iso(hours=1), "applications_close_at": iso(hours=2)})
    body = assert_problem(apply(client, early["tokens"]["w1"], early["session"]), 409, "not-open")
    assert "open at" in body["detail"]
    close_window(dbs, early["session"])
    body = assert_problem(apply(client, early["tokens"]["w1"], early["session"]), 409, "not-open")
    assert "closed" in body["detail"]


def test_a_rush_of_applications_never_fails_for_lack_of_places(client, admin, token, pump):
    workers = tuple(f"r{i}" for i in range(12))
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=1)
    answers = [apply(client, world["tokens"][w], world["session"]) for w in workers]
    assert [a.status_code for a in answers] == [201] * 12 and {a.get_json()["status"] for a in answers} == {"applied"}
    avail = client.get(f"/booking/sessions/{world['session']}").get_json()
    assert (avail["applied"], avail["confirmed"], avail["remaining"]) == (12, 0, 1)


def test_the_sign_up_rules_hold_for_applications(client, admin, token, pump):
    world = build_ballot(client, admin, token, pump, workers=("w1", "old", "w3"), capacity=1,
                         eligibility={"max_age": 40}, per_worker_limit={"count": 1, "period_days": 30},
                         sessions=[{"starts_at": iso(3), "ends_at": iso(3, 2), "capacity": 1},
                                   {"starts_at": iso(4), "ends_at": iso(4, 2), "capacity": 1}])
    make_profile(client, admin, "old", birth_date="1970-01-01")
    pump()
    first, second = (s["id"] for s in world["offer"]["sessions"])
    w1 = world["tokens"]["w1"]
    assert apply(client, w1, first).status_code == 201
    assert_problem(apply(client, w1, first), 409, "already-booked")
    assert_problem(apply(client, w1, second), 409, "limit-exceeded")
    assert_problem(apply(client, world["tokens"]["old"], first), 422, "not-eligible")
    assert_problem(apply(client, token("worker", "nobody"), first), 422, "profile-required")
    assert_problem(apply(client, w1, first, worker_id="w3"), 404, "not-found")  # a worker applies for itself only
    other = world["other_staff"]
    assert_problem(apply(client, other, first, worker_id="w3"), 403, "forbidden")
    on_behalf = apply(client, world["staff"], first, worker_id="w3")
    assert on_behalf.status_code == 201 and on_behalf.get_json()["status"] == "applied"


def test_an_idempotency_key_repeat_applies_once(client, world, dbs):
    tok, sid = world["tokens"]["w1"], world["session"]
    first = apply(client, tok, sid, key="k-1")
    again = apply(client, tok, sid, key="k-1")
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["ballot"]["weight"] == again.get_json()["ballot"]["weight"]
    with dbs["booking"].transaction() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 1
        assert s.scalar(select(BookableSession.applied)) == 1


def test_an_application_is_withdrawn_until_the_close_then_the_draw_decides(client, world, dbs):
    tok, sid = world["tokens"]["w1"], world["session"]
    mine = apply(client, tok, sid).get_json()
    left = client.post(f"/booking/bookings/{mine['id']}/cancel", token=tok)
    assert left.status_code == 200 and left.get_json()["status"] == "cancelled"
    assert client.get(f"/booking/sessions/{sid}").get_json()["applied"] == 0
    again = apply(client, tok, sid).get_json()  # a withdrawn application may be made again in the window
    close_window(dbs, sid)
    assert_problem(client.post(f"/booking/bookings/{again['id']}/cancel", token=tok), 409, "not-open")


def test_who_may_see_and_accept(client, world, dbs, pump, token):
    ranked = drawn(client, world, dbs, pump)
    (w_a, offered), (w_b, _), (w_c, waiting), _ = ranked.items()
    assert offered["status"] == "offered" and waiting["status"] == "waitlisted"
    url = f"/booking/bookings/{offered['id']}"
    assert_problem(client.get(url, token=world["tokens"][w_c]), 404, "not-found")
    assert_problem(client.get(url, token=world["other_staff"]), 404, "not-found")
    assert client.get(url, token=world["staff"]).get_json()["ballot"]["rank"] == 1
    assert_problem(client.post(url + "/accept"), 401)
    assert_problem(client.post(url + "/accept", token=world["tokens"][w_c]), 404, "not-found")
    assert_problem(client.post(url + "/accept", token=world["other_staff"]), 404, "not-found")
    assert_problem(client.post(f"/booking/bookings/{waiting['id']}/accept", token=world["tokens"][w_c]), 409,
                   "invalid-state")
    assert client.post(url + "/accept", token=world["staff"]).get_json()["status"] == "confirmed"  # on its behalf
    lapse_offers(dbs, world["session"])  # w_b's time runs out; the poller has not run yet
    b_url = f"/booking/bookings/{ranked[w_b]['id']}"
    assert_problem(client.post(b_url + "/accept", token=world["tokens"][w_b]), 409, "not-open")
    pump()
    assert client.get(b_url, token=world["tokens"][w_b]).get_json()["status"] == "expired"
    assert client.get(f"/booking/bookings/{waiting['id']}", token=world["tokens"][w_c]).get_json()["status"] == "offered"


def test_the_staff_draw_who_may_and_when(client, world, dbs, pump, token, admin):
    sid = world["session"]
    url = f"/booking/sessions/{sid}/draw"
    apply(client, world["tokens"]["w1"], sid)
    assert_problem(client.post(url), 401)
    assert_problem(client.post(url, token=world["tokens"]["w1"]), 403, "forbidden")
    assert_problem(client.post(url, token=world["other_staff"]), 403, "forbidden")
    assert_problem(client.post("/booking/sessions/nope/draw", token=admin), 404, "not-found")
    assert_problem(client.post(url, token=world["staff"]), 409, "invalid-state")  # still open
    assert_problem(client.get(url), 404, "not-found")
    close_window(dbs, sid)
    first = client.post(url, token=world["staff"])
    assert first.status_code == 200
    again = client.post(url, token=admin)
    assert again.get_json() == first.get_json() == client.get(url).get_json()  # public once drawn
    assert first.get_json()["drawn_by"] == "staff" and first.get_json()["applicants"] == 1


def test_a_first_come_session_has_no_draw_and_no_ballot(client, admin, token, pump):
    world = build(client, admin, token, pump, workers=("w1",))
    assert_problem(client.post(f"/booking/sessions/{world['session']}/draw", token=admin), 409, "invalid-state")
    assert_problem(client.get(f"/booking/sessions/{world['session']}/draw"), 404, "not-found")
    booked = book(client, world["tokens"]["w1"], world["session"]).get_json()
    assert booked["status"] == "confirmed" and booked["ballot"] is None
    avail = client.get(f"/booking/sessions/{world['session']}").get_json()
    assert (avail["allocation"], avail["applied"], avail["offered"], avail["drawn_at"]) == ("first_come", 0, 0, None)
    assert_problem(client.post(f"/booking/bookings/{booked['id']}/accept", token=world["tokens"]["w1"]), 409,
                   "invalid-state")


def end_sessions(dbs):
    with dbs["booking"].transaction() as s:
        s.execute(update(BookableSession).values(starts_at=utcnow() - timedelta(hours=3),
                                         ends_at=utcnow() - timedelta(hours=1)))


def test_no_shows_who_may_and_when(client, admin, token, pump, dbs):
    world = build(client, admin, token, pump, workers=("w1", "w2", "w3"))
    b1 = book(client, world["tokens"]["w1"], world["session"]).get_json()
    b2 = book(client, world["tokens"]["w2"], world["session"]).get_json()
    b3 = book(client, world["tokens"]["w3"], world["session"]).get_json()  # waitlisted
    url = f"/booking/bookings/{b1['id']}/no-show"
    assert_problem(client.post(url, token=world["staff"]), 409, "invalid-state")  # not ended yet
    end_sessions(dbs)
    assert_problem(client.post(url), 401)
    assert_problem(client.post(url, token=world["tokens"]["w1"]), 403, "forbidden")
    assert_problem(client.post(url, token=world["other_staff"]), 404, "not-found")
    assert_problem(client.post(f"/booking/bookings/{b3['id']}/no-show", token=admin), 409, "invalid-state")
    marked = client.post(url, token=world["staff"])
    assert marked.status_code == 200 and marked.get_json()["status"] == "no_show"
    assert_problem(client.post(url, token=world["staff"]), 409, "invalid-state")
    checked = client.post(f"/booking/bookings/{b2['id']}/check-in", token=world["staff"]).get_json()
    assert checked["status"] == "attended"
    assert_problem(client.post(f"/booking/bookings/{b2['id']}/no-show", token=world["staff"]), 409, "invalid-state")
    mine = client.get("/booking/bookings?status=no_show", token=world["tokens"]["w1"]).get_json()
    assert [b["id"] for b in mine["items"]] == [b1["id"]]
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 2  # the place was taken
