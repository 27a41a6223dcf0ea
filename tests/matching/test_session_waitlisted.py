"""session.waitlisted, a ballot draw's losers in batches: matching ends where the same items as single
booking.waitlisted events would have left it (bookings, places-taken counters, needs, their history and
events), skips what it holds newer, and applies a repeat once."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import event, func, select

from services import eventops
from services.matching.models import Booking, Need, NeedHistory, OfferSession, outbox
from services.matching.readmodel import apply_booking_event, apply_session_waitlisted
from services.matching.worker import handlers
from shared.event_types import BookingEvent, SessionEvent
from shared.events import Envelope, stream_name
from tests.factories import iso, make_need, make_offer, union_tree
from tests.matching.loop_world import ok

N = 40  # items in the batch


def _world(client, admin, pump) -> dict:
    tree = union_tree(client, admin)
    offer = make_offer(client, admin, tree["sip"]["id"],
                       sessions=[{"starts_at": iso(days=3), "ends_at": iso(days=3, hours=4), "capacity": 5}])
    pump()
    needs = {w: make_need(client, admin, w, category="health_checkup")["id"] for w in ("w1", "w2", "w3")}
    return {"offer_id": offer["id"], "session_id": offer["sessions"][0]["id"], "needs": needs}


def _single(world, booking_id, worker_id, status, version) -> Envelope:
    event_type = {"confirmed": BookingEvent.CONFIRMED, "applied": BookingEvent.APPLIED,
                  "waitlisted": BookingEvent.WAITLISTED}[status]
    return Envelope(type=event_type, source="booking", data={
        "booking_id": booking_id, "session_id": world["session_id"], "offer_id": world["offer_id"],
        "worker_id": worker_id, "status": status, "version": version})


def _batch(world, items) -> Envelope:
    return Envelope(type=SessionEvent.WAITLISTED, source="booking", data={
        "session_id": world["session_id"], "offer_id": world["offer_id"], "status": "waitlisted",
        "items": [{"booking_id": b, "worker_id": w, "version": v, "rank": r} for r, (b, w, v) in enumerate(items, 6)]})


def _as_singles(world, batch: Envelope) -> list[Envelope]:
    """What the draw used to publish for the same losers: one booking.waitlisted each."""
    return [_single(world, i["booking_id"], i["worker_id"], "waitlisted", i["version"]) for i in batch.data["items"]]


def _state(session, world) -> dict:
    """The read model and what bookinglife did, without ids and times made at apply time."""
    events = session.execute(select(outbox.c.type, outbox.c.payload).order_by(outbox.c.seq)).all()
    return {
        "bookings": sorted(tuple(r) for r in session.execute(
            select(Booking.booking_id, Booking.offer_id, Booking.session_id, Booking.worker_id, Booking.status,
                   Booking.version))),
        "confirmed": session.scalar(select(OfferSession.confirmed)
                                    .where(OfferSession.session_id == world["session_id"])),
        "needs": sorted(tuple(r) for r in session.execute(
            select(Need.id, Need.status, Need.outcome, Need.version, Need.resolved_at.is_(None)))),
        "history": sorted((r.need_id, r.action, r.from_status, r.to_status, json.dumps(r.details, sort_keys=True))
                          for r in session.scalars(select(NeedHistory))),
        "events": [(t, {k: v for k, v in json.loads(p).items() if k != "as_of"}) for t, p in events],
    }


def _start(dbs, world) -> None:
    """Before the draw's losers: w1 holds a place (its need fulfilled), w2 and w3 applied, w3's booking
    already moved on past the version the batch carries."""
    with dbs["matching"].transaction() as s:
        for env in (_single(world, "b1", "w1", "confirmed", 1), _single(world, "b2", "w2", "applied", 1),
                    _single(world, "b3", "w3", "applied", 3)):
            apply_booking_event(s, env)


def _losers() -> list[tuple[str, str, int]]:
    # b1: a confirmed booking now waitlisted (a step of -1: the counter and w1's need move back),
    # b2: applied, now waitlisted; b3: older than what is held (skipped); the rest: not known yet.
    return [("b1", "w1", 2), ("b2", "w2", 2), ("b3", "w3", 2)] + [(f"b{i}", f"w{i}", 2) for i in range(4, N + 1)]


def _applied_then_rolled_back(db, world, apply) -> dict:
    session = db.session()
    try:
        apply(session)
        session.flush()
        return _state(session, world)
    finally:
        session.rollback()
        session.close()


def test_a_batch_ends_where_the_single_events_end(client, admin, pump, dbs):
    world = _world(client, admin, pump)
    _start(dbs, world)
    batch = _batch(world, _losers())
    with dbs["matching"].transaction() as s:
        before = _state(s, world)
    assert before["confirmed"] == 1 and ("b1", world["offer_id"], world["session_id"], "w1", "confirmed", 1) in \
        before["bookings"]

    def singles(session):
        for env in _as_singles(world, batch):
            apply_booking_event(session, env)

    one_by_one = _applied_then_rolled_back(dbs["matching"], world, singles)
    batched = _applied_then_rolled_back(dbs["matching"], world, lambda s: apply_session_waitlisted(s, batch))
    assert batched == one_by_one
    with dbs["matching"].transaction() as s:
        assert _state(s, world) == before  # both rolled back: the same start for each
    # And what that state is: every loser waitlisted at its version but b3, the place given back, w1's need open.
    rows = {r[0]: r for r in batched["bookings"]}
    assert len(rows) == N and batched["confirmed"] == 0
    assert rows["b3"][4:] == ("applied", 3)
    assert all(rows[b][4:] == ("waitlisted", 2) for b in rows if b != "b3")
    needs = {r[0]: r[1] for r in batched["needs"]}
    assert needs[world["needs"]["w1"]] == "open"
    assert [t for t, _ in batched["events"][len(before["events"]):]] == ["need.reopened", "worker.open_needs"]


def test_an_item_older_than_what_is_held_is_skipped(client, admin, pump, dbs):
    world = _world(client, admin, pump)
    with dbs["matching"].transaction() as s:
        apply_booking_event(s, _single(world, "b9", "w9", "confirmed", 5))  # accepted after a later offer
        apply_session_waitlisted(s, _batch(world, [("b9", "w9", 4), ("b10", "w10", 2)]))
    with dbs["matching"].transaction() as s:
        held = {b.booking_id: (b.status, b.version) for b in s.scalars(select(Booking))}
        confirmed = s.scalar(select(OfferSession.confirmed).where(OfferSession.session_id == world["session_id"]))
    assert held == {"b9": ("confirmed", 5), "b10": ("waitlisted", 2)} and confirmed == 1


def test_a_full_batch_is_a_few_statements(client, admin, pump, dbs):
    """500 items, some known (applied), most not: the statements do not grow with the items."""
    world = _world(client, admin, pump)
    with dbs["matching"].transaction() as s:
        for i in range(50):
            apply_booking_event(s, _single(world, f"b{i}", f"w{i}", "applied", 1))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = dbs["matching"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        with dbs["matching"].transaction() as s:
            apply_session_waitlisted(s, _batch(world, [(f"b{i}", f"w{i}", 2) for i in range(500)]))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([st for st in statements if "matching_" in st]) <= 3, statements  # read, insert, update
    with dbs["matching"].transaction() as s:
        assert s.scalar(select(func.count()).select_from(Booking).where(Booking.status == "waitlisted")) == 500


def _deliver(configs, redis_client, env: Envelope) -> None:
    redis_client.xadd(stream_name(configs["matching"].stream_prefix, "booking"), env.to_fields())


@pytest.mark.parametrize("same_id", [True, False], ids=["redelivered", "published-again"])
def test_a_repeat_changes_nothing_and_demand_shows_the_waitlisted(client, admin, pump, dbs, configs, redis_client,
                                                                   same_id):
    world = _world(client, admin, pump)
    _start(dbs, world)
    batch = _batch(world, _losers())
    _deliver(configs, redis_client, batch)
    pump()
    with dbs["matching"].transaction() as s:
        first = _state(s, world)
    again = batch if same_id else Envelope(type=batch.type, source="booking", data=batch.data)
    _deliver(configs, redis_client, again)
    pump()
    with dbs["matching"].transaction() as s:
        assert _state(s, world) == first
    demand = ok(client.get(f"/matching/offers/{world['offer_id']}/demand", token=admin))
    assert (demand["waitlisted"], demand["applied"], demand["confirmed"]) == (N - 1, 1, 0)


def test_matchings_worker_consumes_it_from_booking():
    assert handlers()["booking"][SessionEvent.WAITLISTED] is apply_session_waitlisted
    assert "session.waitlisted" in eventops.consumers()["matching"][1]["booking"]  # events check walks it too
