"""Many clients at once; the invariants are checked in the database afterwards.

Real threads, each with its own client and database connection (PostgreSQL in
CI; SQLite serialises them but must hold the same invariants).
"""
import random
import threading
from collections import Counter

from sqlalchemy import func, select

from services.booking.models import ACTIVE, BookableSession, Booking
from services.gateway import PrefixDispatcher
from tests.booking.world import build
from tests.conftest import ApiClient
from tests.factories import iso


def run_at_once(apps, calls):
    """Run each call (a function of a client) in its own thread, all released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        client = ApiClient(PrefixDispatcher(apps))
        barrier.wait()
        results[i] = call(client)

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def book_call(tok, session_id, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return lambda c: c.post("/booking/bookings", {"session_id": session_id}, token=tok, headers=headers)


def assert_invariants(db):
    with db.transaction() as s:
        for sess in s.scalars(select(BookableSession)):
            counts = Counter(s.scalars(select(Booking.status).where(Booking.session_id == sess.session_id)))
            taken = counts["confirmed"] + counts["attended"]
            assert taken == sess.confirmed <= sess.capacity, (sess.session_id, counts, sess.confirmed)
            assert counts["waitlisted"] == sess.waitlisted
            if counts["waitlisted"]:
                assert sess.confirmed == sess.capacity  # nobody waits while a place is free
            queued = s.scalars(select(Booking.waitlist_seq).where(Booking.session_id == sess.session_id,
                                                                  Booking.status == "waitlisted")).all()
            assert len(set(queued)) == len(queued)
        dupes = s.execute(select(Booking.session_id, Booking.worker_id, func.count())
                          .where(Booking.status.in_(ACTIVE)).group_by(Booking.session_id, Booking.worker_id)
                          .having(func.count() > 1)).all()
        assert dupes == []


def test_many_clients_take_the_last_places(client, admin, token, pump, apps, dbs):
    workers = [f"r{i:02d}" for i in range(40)]
    world = build(client, admin, token, pump, workers=workers, capacity=10)
    results = run_at_once(apps, [book_call(world["tokens"][w], world["session"]) for w in workers])
    assert all(r.status_code == 201 for r in results), [r.get_json() for r in results if r.status_code != 201]
    statuses = Counter(r.get_json()["status"] for r in results)
    assert statuses == {"confirmed": 10, "waitlisted": 30}
    positions = sorted(r.get_json()["waitlist_position"] for r in results if r.get_json()["status"] == "waitlisted")
    assert positions == list(range(1, 31))
    assert_invariants(dbs["booking"])


def test_one_worker_hammering_one_session_gets_one_booking(client, admin, token, pump, apps, dbs):
    world = build(client, admin, token, pump, workers=["w1"], capacity=5)
    results = run_at_once(apps, [book_call(world["tokens"]["w1"], world["session"]) for _ in range(12)])
    codes = Counter(r.status_code for r in results)
    assert codes == {201: 1, 409: 11}
    assert {r.get_json()["type"] for r in results if r.status_code == 409} == {"already-booked"}
    assert_invariants(dbs["booking"])


def test_one_key_sent_many_times_at_once_books_once(client, admin, token, pump, apps, dbs):
    world = build(client, admin, token, pump, workers=["w1"], capacity=5)
    results = run_at_once(apps, [book_call(world["tokens"]["w1"], world["session"], key="k") for _ in range(10)])
    ok = [r for r in results if r.status_code == 201]
    assert ok and len({r.get_json()["id"] for r in ok}) == 1
    assert {r.get_json()["type"] for r in results if r.status_code != 201} <= {"request-in-progress"}
    assert client.get(f"/booking/sessions/{world['session']}").get_json()["confirmed"] == 1
    assert_invariants(dbs["booking"])


def test_per_worker_limit_holds_under_parallel_sign_ups(client, admin, token, pump, apps, dbs):
    sessions = [{"starts_at": iso(d), "ends_at": iso(d, 1), "capacity": 5} for d in (2, 3, 4, 5)]
    world = build(client, admin, token, pump, workers=["w1"], sessions=sessions,
                  per_worker_limit={"count": 1, "period_days": 30})
    ids = [s["id"] for s in world["offer"]["sessions"]]
    results = run_at_once(apps, [book_call(world["tokens"]["w1"], ids[i % 4]) for i in range(12)])
    assert sum(r.status_code == 201 for r in results) == 1
    assert {r.get_json()["type"] for r in results if r.status_code != 201} <= {"limit-exceeded", "already-booked"}
    assert_invariants(dbs["booking"])


def test_cancelling_and_rebooking_at_once_keeps_the_queue_fair(client, admin, token, pump, apps, dbs):
    workers = [f"c{i:02d}" for i in range(24)]
    world = build(client, admin, token, pump, workers=workers, capacity=6)
    first = {w: client.post("/booking/bookings", {"session_id": world["session"]}, token=world["tokens"][w]).get_json()
             for w in workers}  # c00..c05 confirmed, c06..c23 waitlisted in order
    rng = random.Random(5)
    leavers = rng.sample(workers, 12)

    def churn(w):
        def call(c):
            tok = world["tokens"][w]
            c.post(f"/booking/bookings/{first[w]['id']}/cancel", token=tok)
            return c.post("/booking/bookings", {"session_id": world["session"]}, token=tok)
        return call

    results = run_at_once(apps, [churn(w) for w in leavers])
    assert all(r.status_code == 201 for r in results), [r.get_json() for r in results]
    assert_invariants(dbs["booking"])
    with dbs["booking"].transaction() as s:
        rows = s.execute(select(Booking.worker_id, Booking.status, Booking.waitlist_seq)
                         .where(Booking.session_id == world["session"], Booking.status != "cancelled")).all()
    # FIFO: everyone promoted from the original queue was ahead of everyone still waiting from it.
    stayers = [w for w in workers[6:] if w not in leavers]
    promoted = [seq for w, st, seq in rows if w in stayers and st == "confirmed"]
    waiting = [seq for w, st, seq in rows if w in stayers and st == "waitlisted"]
    if promoted and waiting:
        assert max(promoted) < min(waiting)
    # the re-bookings joined the back of the queue
    rebooked = [seq for w, st, seq in rows if w in leavers and st == "waitlisted"]
    if rebooked and waiting:
        assert min(rebooked) > max(waiting)
