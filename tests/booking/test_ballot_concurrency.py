"""Ballots under concurrency: the draw runs once however many race for it (and again after a crash),
and accepting, declining, passing on and cancelling at once never give out more places than there are.

Real threads, each with its own connections (PostgreSQL in CI; SQLite serialises them but must hold
the same invariants)."""
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from services.booking import drawrun, offering
from services.booking.models import ACTIVE, Booking, Draw, BookableSession, outbox
from shared.db import Database
from tests.booking.ballot_world import apply, build_ballot, close_window, lapse_offers
from tests.booking.test_concurrency import run_at_once


def assert_ballot_invariants(db):
    with db.transaction() as s:
        for sess in s.scalars(select(BookableSession)):
            counts = Counter(s.scalars(select(Booking.status).where(Booking.session_id == sess.session_id)))
            assert counts["confirmed"] + counts["attended"] == sess.confirmed, (counts, sess.confirmed)
            assert counts["offered"] == sess.offered and counts["waitlisted"] == sess.waitlisted, counts
            assert counts["applied"] == sess.applied, counts
            assert sess.confirmed + sess.offered <= sess.capacity, (sess.confirmed, sess.offered, sess.capacity)
            if sess.drawn_at is not None and sess.waitlisted:
                assert sess.confirmed + sess.offered == sess.capacity  # nobody waits while a place is free
            offered = set(s.scalars(select(Booking.id).where(Booking.session_id == sess.session_id,
                                                              Booking.status == "offered")))
            timed = set(s.scalars(select(Booking.id).where(Booking.session_id == sess.session_id,
                                                            Booking.accept_by.is_not(None))))
            assert offered == timed  # every offer has its timer, and only offers
        dupes = s.execute(select(Booking.session_id, Booking.worker_id, func.count())
                          .where(Booking.status.in_(ACTIVE)).group_by(Booking.session_id, Booking.worker_id)
                          .having(func.count() > 1)).all()
        assert dupes == []


def test_the_draw_runs_once_with_two_workers_and_staff_racing(client, admin, token, pump, apps, dbs, configs):
    workers = tuple(f"d{i:02d}" for i in range(30))
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=7)
    for w in workers:
        assert apply(client, world["tokens"][w], world["session"]).status_code == 201
    pump()
    close_window(dbs, world["session"])
    url = configs["booking"].database_url
    databases = [Database(url), Database(url)]  # two worker processes, each with its own pool
    url_draw = f"/booking/sessions/{world['session']}/draw"
    calls = [lambda c, d=d: drawrun.run_due(d) for d in databases]
    calls += [lambda c: c.post(url_draw, token=world["staff"]) for _ in range(2)]
    results = run_at_once(apps, calls)
    for d in databases:
        d.dispose()
    assert sorted(results[:2]) in ([0, 1], [0, 0])  # one worker drew, or staff did first
    assert [r.status_code for r in results[2:]] == [200, 200]
    assert results[2].get_json() == results[3].get_json()
    with dbs["booking"].transaction() as s:
        assert s.scalar(select(func.count()).select_from(Draw)) == 1
        assert s.scalar(select(func.count()).where(Booking.ballot_rank.is_not(None))) == 30
        assert s.scalar(select(func.count()).select_from(outbox).where(outbox.c.type == "session.drawn")) == 1
        assert s.scalar(select(func.count()).select_from(outbox).where(outbox.c.type == "booking.offered")) == 7
    assert drawrun.run_due(dbs["booking"]) == 0
    assert_ballot_invariants(dbs["booking"])


def test_a_draw_that_dies_midway_leaves_nothing_and_runs_again(client, admin, token, pump, dbs, monkeypatch):
    workers = tuple(f"k{i}" for i in range(6))
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=2)
    for w in workers:
        apply(client, world["tokens"][w], world["session"])
    close_window(dbs, world["session"])
    real = drawrun._write

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise ConnectionError("the worker was killed while writing the results")

    monkeypatch.setattr(drawrun, "_write", crash)
    with pytest.raises(ConnectionError):
        drawrun.run_due(dbs["booking"])
    with dbs["booking"].transaction() as s:  # rolled back: still due, nothing written
        assert s.scalar(select(BookableSession.drawn_at)) is None
        assert s.scalar(select(func.count()).where(Booking.ballot_rank.is_not(None))) == 0
        assert set(s.scalars(select(Booking.status))) == {"applied"}
    monkeypatch.setattr(drawrun, "_write", real)
    assert drawrun.run_due(dbs["booking"]) == 1  # the restarted worker finds it due and draws
    assert drawrun.run_due(dbs["booking"]) == 0
    assert_ballot_invariants(dbs["booking"])


def test_accept_decline_pass_on_and_cancel_at_once_never_exceed_capacity(client, admin, token, pump, apps, dbs,
                                                                          configs):
    workers = tuple(f"c{i:02d}" for i in range(40))
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=6)
    made = {w: apply(client, world["tokens"][w], world["session"]).get_json() for w in workers}
    close_window(dbs, world["session"])
    pump()
    rng = random.Random(12)
    url = configs["booking"].database_url
    answers = Counter()
    for round_ in range(4):
        with dbs["booking"].transaction() as s:
            status = dict(s.execute(select(Booking.worker_id, Booking.status)).all())
        offered = [w for w in workers if status[w] == "offered"]
        waiting = [w for w in workers if status[w] == "waitlisted"]
        confirmed = [w for w in workers if status[w] == "confirmed"]
        lapsing = offered[: len(offered) // 3]
        for w in lapsing:
            lapse_offers(dbs, booking_id=made[w]["id"])
        calls = []
        for w in offered:  # the lapsed try to accept too late, others accept or decline
            verb = "accept" if w in lapsing or rng.random() < 0.5 else "cancel"
            calls.append(lambda c, w=w, verb=verb: c.post(f"/booking/bookings/{made[w]['id']}/{verb}",
                                                         token=world["tokens"][w]))
        for w in rng.sample(waiting, min(5, len(waiting))) + confirmed[:1]:
            calls.append(lambda c, w=w: c.post(f"/booking/bookings/{made[w]['id']}/cancel",
                                               token=world["tokens"][w]))
        pollers = [Database(url), Database(url)]
        calls += [lambda c, d=d: offering.pass_on_due(d) for d in pollers]
        results = run_at_once(apps, calls)
        for d in pollers:
            d.dispose()
        for r in results:
            if hasattr(r, "status_code"):
                assert r.status_code in (200, 409), (round_, r.get_json())
                answers[r.get_json().get("status") if r.status_code == 200 else r.get_json()["type"]] += 1
        assert_ballot_invariants(dbs["booking"])
        pump()  # what a poller skipped while the session row was busy, it finds at its next look
        assert_ballot_invariants(dbs["booking"])
    assert answers["confirmed"] and answers["cancelled"] and answers["not-open"], answers
    with dbs["booking"].transaction() as s:
        statuses = Counter(s.scalars(select(Booking.status)))
        assert statuses["expired"] >= answers["not-open"]  # every offer lapsed was passed on
