"""At the start of a session its waiting list ends: bookings still waiting become expired."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.booking import waitlist
from services.booking.models import BookableSession, Booking, Offer, outbox
from shared.db import Database
from shared.events import Envelope, stream_name
from shared.timeutil import utcnow
from tests.booking.world import book, build
from tests.helpers import assert_problem
from tests.factories import make_need


@pytest.fixture
def world(client, admin, token, pump):
    w = build(client, admin, token, pump, workers=("w1", "w2", "w3", "w4", "w5"))
    w["b"] = {name: book(client, tok, w["session"]).get_json() for name, tok in w["tokens"].items()}
    return w  # w1, w2 confirmed; w3, w4, w5 waitlisted 1, 2, 3


def start_sessions(dbs, minutes_ago=1):
    with dbs["booking"].transaction() as s:
        s.execute(update(BookableSession).values(starts_at=utcnow() - timedelta(minutes=minutes_ago)))


def booking(client, world, name):
    return client.get(f"/booking/bookings/{world['b'][name]['id']}", token=world["tokens"][name]).get_json()


def test_a_waiting_list_ends_when_the_session_starts(client, world, dbs, pump, admin, redis_client, configs):
    make_need(client, admin, "w4", "想要免费体检")
    # Until the start a worker may leave the waiting list.
    left = client.post(f"/booking/bookings/{world['b']['w3']['id']}/cancel", token=world["tokens"]["w3"])
    assert left.status_code == 200 and left.get_json()["status"] == "cancelled"
    start_sessions(dbs)
    pump()  # the booking worker's timer, then the events to matching
    for name in ("w4", "w5"):
        b = booking(client, world, name)
        assert (b["status"], b["waitlist_position"]) == ("expired", None)
    assert booking(client, world, "w1")["status"] == "confirmed"
    avail = client.get(f"/booking/sessions/{world['session']}").get_json()
    assert (avail["confirmed"], avail["waitlisted"], avail["remaining"]) == (2, 0, 0)
    listed = client.get(f"/booking/bookings?session_id={world['session']}&status=expired", token=world["staff"])
    assert sorted(b["worker_id"] for b in listed.get_json()["items"]) == ["w4", "w5"]
    # An expired booking is not cancelled again; a confirmed one stays not-open after the start.
    assert_problem(client.post(f"/booking/bookings/{world['b']['w4']['id']}/cancel", token=world["tokens"]["w4"]),
                   409, "invalid-state")
    assert_problem(client.post(f"/booking/bookings/{world['b']['w1']['id']}/cancel", token=world["tokens"]["w1"]),
                   409, "not-open")
    stream = stream_name(configs["booking"].stream_prefix, "booking")
    expired = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    expired = [e for e in expired if e.type == "booking.expired"]
    assert sorted(e.data["worker_id"] for e in expired) == ["w4", "w5"]
    assert all(e.data["status"] == "expired" for e in expired)
    # Matching: nobody waits any more, and w4's need stays open (an expired booking meets nothing).
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["confirmed"], demand["waitlisted"]) == (2, 0)
    assert client.get("/matching/needs?worker_id=w4", token=admin).get_json()["items"][0]["status"] == "open"
    assert pump() == 0  # nothing more is due: the timer finds nothing twice


def test_a_session_that_has_not_started_keeps_its_waiting_list(client, world, dbs, pump):
    pump()
    assert waitlist.expire_due(dbs["booking"]) == 0
    assert booking(client, world, "w3")["status"] == "waitlisted"
    assert booking(client, world, "w5")["waitlist_position"] == 3


def test_a_waitlisted_booking_after_the_start_is_not_open_until_it_expires(client, world, dbs):
    start_sessions(dbs)
    body = assert_problem(client.post(f"/booking/bookings/{world['b']['w3']['id']}/cancel",
                                      token=world["tokens"]["w3"]), 409, "not-open")
    assert "expires" in body["detail"]


def _many_waiting_sessions(db: Database, sessions: int, waiting: int) -> None:
    now = utcnow()
    with db.transaction() as s:
        s.add(Offer(offer_id="ofr_race", revision=1, union_path="/u-a/", title="t", status="published",
                    eligibility={}, per_worker_limit=None, waitlist=True))
        for i in range(sessions):
            sid = f"ses_race_{i}"
            s.add(BookableSession(session_id=sid, offer_id="ofr_race", starts_at=now - timedelta(seconds=i), capacity=1,
                          confirmed=1, waitlisted=waiting, waitlist_seq=waiting + 1))
            s.add(Booking(id=f"bkg_race_{i}_0", session_id=sid, offer_id="ofr_race", worker_id="w-0",
                          status="confirmed", waitlist_seq=None, session_starts_at=now, created_by="t"))
            for j in range(1, waiting + 1):
                s.add(Booking(id=f"bkg_race_{i}_{j}", session_id=sid, offer_id="ofr_race", worker_id=f"w-{j}",
                              status="waitlisted", waitlist_seq=j, session_starts_at=now, created_by="t"))


def test_two_workers_racing_expire_each_booking_once(configs, dbs):
    """Real threads, each with its own engine (PostgreSQL in CI: row locks, SKIP LOCKED)."""
    sessions, waiting = 40, 3
    _many_waiting_sessions(dbs["booking"], sessions, waiting)
    engines = [Database(configs["booking"].database_url) for _ in range(2)]
    barrier = threading.Barrier(len(engines))
    results = [None] * len(engines)

    def run(i):
        barrier.wait()
        results[i] = waitlist.expire_due(engines[i], limit=1000)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(engines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for e in engines:
        e.dispose()
    assert sum(results) == sessions * waiting
    with dbs["booking"].transaction() as s:
        statuses = Counter(s.scalars(select(Booking.status)))
        assert statuses == {"confirmed": sessions, "expired": sessions * waiting}
        assert s.scalar(select(func.sum(BookableSession.waitlisted))) == 0
        assert set(s.scalars(select(Booking.version).where(Booking.status == "expired"))) == {2}
        events = Counter(s.scalars(select(outbox.c.payload).where(outbox.c.type == "booking.expired")))
        assert len(events) == sessions * waiting and set(events.values()) == {1}  # one event per booking
