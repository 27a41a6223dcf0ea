import pytest

from tests.booking.world import book, build
from tests.helpers import assert_problem
from tests.factories import birth_for_age, iso, make_profile


@pytest.fixture
def world(client, admin, token, pump):
    return build(client, admin, token, pump)


def test_confirmed_then_waitlisted_with_positions(client, world):
    s, t = world["session"], world["tokens"]
    got = [book(client, t[w], s) for w in ("w1", "w2", "w3", "w4")]
    assert [r.status_code for r in got] == [201] * 4
    bodies = [r.get_json() for r in got]
    assert [b["status"] for b in bodies] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [b["waitlist_position"] for b in bodies] == [None, None, 1, 2]
    assert bodies[0]["worker_id"] == "w1" and bodies[0]["offer_id"] == world["offer"]["id"]
    avail = client.get(f"/booking/sessions/{s}").get_json()  # public
    assert {k: avail[k] for k in ("capacity", "confirmed", "waitlisted", "remaining")} == \
        {"capacity": 2, "confirmed": 2, "waitlisted": 2, "remaining": 0}


def test_one_active_booking_per_session(client, world):
    assert book(client, world["tokens"]["w1"], world["session"]).status_code == 201
    assert_problem(book(client, world["tokens"]["w1"], world["session"]), 409, "already-booked")


def test_full_without_a_waiting_list(client, admin, token, pump):
    world = build(client, admin, token, pump, capacity=1, waitlist=False)
    assert book(client, world["tokens"]["w1"], world["session"]).status_code == 201
    assert_problem(book(client, world["tokens"]["w2"], world["session"]), 409, "full")
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["waitlisted"] == 0


def test_not_eligible_names_the_failed_rules(client, admin, token, pump):
    world = build(client, admin, token, pump, eligibility={"max_age": 35, "worker_categories": ["boat_crew"]})
    body = assert_problem(book(client, world["tokens"]["w1"], world["session"]), 422, "not-eligible")
    assert "worker_categories" in body["detail"] and body["failed_rules"] == ["worker_categories"]
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 0


def test_profile_required(client, world, token):
    body = assert_problem(book(client, token("worker", "nobody"), world["session"]), 422, "profile-required")
    assert "profile" in body["detail"]


def test_profile_changes_reach_booking(client, admin, token, pump):
    world = build(client, admin, token, pump, eligibility={"max_age": 35})
    make_profile(client, admin, "w1", birth_date=birth_for_age(36))
    pump()
    body = assert_problem(book(client, world["tokens"]["w1"], world["session"]), 422, "not-eligible")
    assert body["failed_rules"] == ["max_age"]


def test_per_worker_limit(client, admin, token, pump):
    sessions = [{"starts_at": iso(d), "ends_at": iso(d, 2), "capacity": 5} for d in (3, 10, 400)]
    world = build(client, admin, token, pump, sessions=sessions, per_worker_limit={"count": 1, "period_days": 365})
    ids = [s["id"] for s in world["offer"]["sessions"]]
    tok = world["tokens"]["w1"]
    first = book(client, tok, ids[0])
    assert first.status_code == 201
    assert_problem(book(client, tok, ids[1]), 409, "limit-exceeded")
    assert book(client, tok, ids[2]).status_code == 201  # over a year later: outside the window
    client.post(f"/booking/bookings/{first.get_json()['id']}/cancel", token=tok)
    assert book(client, tok, ids[1]).status_code == 201  # cancelled bookings do not count


def test_not_open_when_closed_or_started(client, admin, token, pump):
    sessions = [{"starts_at": iso(-1), "ends_at": iso(1), "capacity": 5},
                {"starts_at": iso(3), "ends_at": iso(3, 2), "capacity": 5}]
    world = build(client, admin, token, pump, sessions=sessions)
    past, future = (s["id"] for s in world["offer"]["sessions"])
    assert_problem(book(client, world["tokens"]["w1"], past), 409, "not-open")
    client.post(f"/catalog/offers/{world['offer']['id']}/close", token=admin)
    pump()
    assert_problem(book(client, world["tokens"]["w1"], future), 409, "not-open")


def test_unknown_or_unpublished_sessions_are_404(client, admin, token, pump):
    from tests.factories import make_offer

    world = build(client, admin, token, pump)
    draft = make_offer(client, admin, world["tree"]["sip"]["id"], publish=False)
    pump()
    assert_problem(book(client, world["tokens"]["w1"], "ses_nope"), 404)
    assert_problem(book(client, world["tokens"]["w1"], draft["sessions"][0]["id"]), 404)
    assert_problem(client.get("/booking/sessions/ses_nope"), 404)


def test_who_may_book_for_whom(client, world, admin):
    s = world["session"]
    assert_problem(book(client, world["tokens"]["w1"], s, worker_id="w2"), 404, "not-found")  # API.md's one rule
    assert_problem(book(client, world["staff"], s), 422, "validation-error")
    assert_problem(book(client, world["other_staff"], s, worker_id="w2"), 403)
    on_behalf = book(client, world["staff"], s, worker_id="w2")
    assert on_behalf.status_code == 201 and on_behalf.get_json()["worker_id"] == "w2"
    assert book(client, admin, s, worker_id="w3").status_code == 201
    assert book(client, world["tokens"]["w1"], s, worker_id="w1").status_code == 201


def test_bad_requests(client, world):
    tok = world["tokens"]["w1"]
    assert_problem(client.post("/booking/bookings", {"session_id": world["session"]}), 401)
    assert_problem(client.post("/booking/bookings", {}, token=tok), 422)
    assert_problem(client.post("/booking/bookings", {"session_id": world["session"], "seats": 2}, token=tok), 422)
    assert_problem(client.post("/booking/bookings", {"session_id": ""}, token=tok), 422)
    assert_problem(client.open("POST", "/booking/bookings", token=tok, data="[]", content_type="application/json"), 400)
    assert_problem(client.open("POST", "/booking/bookings", token=tok, data="session_id=x",
                               content_type="application/x-www-form-urlencoded"), 415)
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 0


def test_too_many_attempts_are_429_with_retry_after(client, world, monkeypatch):
    from services.booking import views

    monkeypatch.setitem(views.SIGN_UPS_PER_MINUTE, "worker", 2)
    tok = world["tokens"]["w1"]
    assert book(client, tok, world["session"]).status_code == 201
    assert_problem(book(client, tok, world["session"]), 409, "already-booked")
    resp = book(client, tok, world["session"])
    assert_problem(resp, 429, "rate-limited")
    assert 0 < int(resp.headers["Retry-After"]) <= 60
    assert book(client, world["tokens"]["w2"], world["session"]).status_code == 201  # per caller
