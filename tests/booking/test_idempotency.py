from shared.timeutil import utcnow
from tests.booking.world import book, build
from tests.helpers import assert_problem


def test_a_repeat_returns_the_first_answer_and_books_nothing_more(client, admin, token, pump):
    world = build(client, admin, token, pump, capacity=1)
    tok, s = world["tokens"]["w1"], world["session"]
    first = book(client, tok, s, key="k-1")
    again = book(client, tok, s, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"/booking/sessions/{s}").get_json()["confirmed"] == 1
    assert client.get("/booking/bookings", token=tok).get_json()["total"] == 1


def test_error_answers_are_not_stored(client, admin, token, pump):
    world = build(client, admin, token, pump)
    newcomer = token("worker", "w9")
    assert_problem(book(client, newcomer, world["session"], key="k-2"), 422, "profile-required")
    from tests.factories import make_profile

    make_profile(client, admin, "w9")
    pump()
    assert book(client, newcomer, world["session"], key="k-2").status_code == 201


def test_keys_belong_to_their_caller_and_their_request(client, admin, token, pump):
    world = build(client, admin, token, pump)
    assert book(client, world["tokens"]["w1"], world["session"], key="same").status_code == 201
    other = book(client, world["tokens"]["w2"], world["session"], key="same")
    assert other.status_code == 201 and other.get_json()["worker_id"] == "w2"
    from tests.factories import iso, make_offer

    second = make_offer(client, admin, world["tree"]["sip"]["id"],
                        sessions=[{"starts_at": iso(5), "ends_at": iso(5, 1), "capacity": 3}])
    pump()
    assert_problem(book(client, world["tokens"]["w1"], second["sessions"][0]["id"], key="same"), 409,
                   "idempotency-key-reused")


def test_a_repeat_while_the_first_is_in_flight_is_told_to_retry(client, admin, token, pump, dbs):
    from services.booking.models import IdempotencyKey
    from services.booking.idempotency import fingerprint

    world = build(client, admin, token, pump)
    body = {"session_id": world["session"]}
    with dbs["booking"].transaction() as s:
        s.add(IdempotencyKey(caller="w1", key="busy", fingerprint=fingerprint("POST", "/booking/bookings", body),
                             state="in_flight", created_at=utcnow()))
    resp = book(client, world["tokens"]["w1"], world["session"], key="busy")
    assert_problem(resp, 409, "request-in-progress")
    assert resp.headers["Retry-After"] == "1"
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 0


def test_bad_keys_are_422(client, admin, token, pump):
    world = build(client, admin, token, pump)
    assert_problem(book(client, world["tokens"]["w1"], world["session"], key="x" * 201), 422)


def test_a_replay_is_answered_even_past_the_rate_limit(client, admin, token, pump, monkeypatch):
    from services.booking import views

    monkeypatch.setitem(views.SIGN_UPS_PER_MINUTE, "worker", 3)
    world = build(client, admin, token, pump, capacity=5)
    tok, s = world["tokens"]["w1"], world["session"]
    first = book(client, tok, s, key="ack-1")
    assert first.status_code == 201
    for _ in range(3):  # already booked (409) until the limit is reached (429)
        last = book(client, tok, s, key=None)
    assert_problem(last, 429, "rate-limited")
    assert_problem(book(client, tok, s, key="new-key"), 429, "rate-limited")  # a new key is still limited
    again = book(client, tok, s, key="ack-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    # the refused new key was not kept: with room again it is handled (and refused as already booked)
    monkeypatch.setitem(views.SIGN_UPS_PER_MINUTE, "worker", 100)
    assert_problem(book(client, tok, s, key="new-key"), 409, "already-booked")
