"""Running a session's draw exactly once: at the close by the booking worker, or by staff after it.

The session row is the state row: a ballot session is due when its window has closed and
`drawn_at` is still empty. The worker's poller takes a due row FOR UPDATE SKIP LOCKED (a second
worker skips it; after the commit it is no longer due), staff take it FOR UPDATE (waiting for a
draw under way, then answering that draw), and applications update the same row only while it
is undrawn, so none slips in after the draw has read the applicants. booking_draws' primary key
is the last guard: a second draw of a session could not commit.

The draw itself is shared.draw's pure function; this module reads its inputs (priority.py) and
writes every result in one transaction: each applicant's booking once (offered or waitlisted in draw
order, with its entry in the draw: the ballot_* columns), the events (one per winner, the losers in
batches), the counters and the published record.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, select, text, update
from sqlalchemy.orm import Session

from shared import draw
from shared.auth import Principal
from shared.bulk import cyclic_gc_paused, insert_columns
from shared.db import Database, UTCDateTime
from shared.errors import Conflict, Forbidden, NotFound
from shared.event_types import BookingEvent, SessionEvent
from shared.events import event_rows, record_event, record_event_rows
from shared.events.relay import wake_relays
from shared.timeutil import utcnow
from shared.vocab import AllocationMode, BookingStatus

from .models import BookableSession, Booking, Draw, Offer, outbox
from .offering import accept_deadline
from .priority import Applicant, applicants, quota_csv
from .waitlist import lock_session

log = logging.getLogger("unionhub.draw")
SCHEDULE = "schedule"  # drawn_by of the worker's draw at the close


def run_due(database: Database, limit: int = 20) -> int:
    """The booking worker's poller: draw every ballot session whose window has closed. Returns how many."""
    drawn = 0
    for _ in range(limit):
        with database.transaction() as tx:
            due = (select(BookableSession).where(BookableSession.mode == AllocationMode.BALLOT, BookableSession.drawn_at.is_(None),
                                         BookableSession.applications_close_at <= utcnow())
                   .order_by(BookableSession.applications_close_at).limit(1).execution_options(populate_existing=True))
            if not database.is_sqlite:  # SQLite: BEGIN IMMEDIATE already admits one writer at a time
                due = due.with_for_update(skip_locked=True)
            sess = tx.scalars(due).first()
            if sess is None:
                break
            with cyclic_gc_paused():
                run(tx, sess, SCHEDULE)
            drawn += 1
    if drawn:
        wake_relays()
    return drawn


def draw_now(tx: Session, principal: Principal, session_id: str) -> Draw:
    """Staff after the close: the draw, run now unless it has run (then the same draw again)."""
    sess = tx.get(BookableSession, session_id)
    offer = tx.get(Offer, sess.offer_id) if sess else None
    if sess is None or offer is None or offer.status == "draft":
        raise NotFound(f"No session {session_id!r} of a published offer.")
    if not principal.acts_for(offer.union_path_ids):
        raise Forbidden("Staff draw only their unions' offers' sessions.")
    if sess.mode != AllocationMode.BALLOT:
        raise invalid_state("This session is first come, first served: there is nothing to draw.")
    if sess.drawn_at is None and utcnow() < sess.applications_close_at:
        raise invalid_state("Applications are still open: the draw runs after they close.")
    sess = lock_session(tx, session_id)  # waits for a draw under way
    if sess.drawn_at is not None:
        return tx.get(Draw, session_id)
    with cyclic_gc_paused():
        return run(tx, sess, principal.sub)


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the session's current state")


def run(tx: Session, sess: BookableSession, drawn_by: str, now: datetime | None = None) -> Draw:
    """Draw a session whose row the caller holds locked; write every result. Returns the published record."""
    now = now or utcnow()
    offer = tx.get(Offer, sess.offer_id)
    rules = _rules(offer)
    seed = offer.ballot_seed
    if not seed:  # never published with a seed (cannot happen through catalog): draw, and say so
        log.warning("session %s: the offer carries no committed seed; drawing with a new one", sess.session_id)
        seed = draw.new_seed()
    if tx.get_bind().dialect.name == "postgresql":  # the applicants sorted in memory, not on disk
        tx.execute(text("SET LOCAL work_mem = '64MB'"))
    people = applicants(tx, offer, sess.session_id, now, BookingStatus.APPLIED)
    names = [a.applicant or draw.applicant(sess.session_id, a.worker_id) for a in people]
    # u as kept when applying, from the seed committed at publish; worked out here where it was not kept.
    kept = seed == offer.ballot_seed
    u = {who: a.u for who, a in zip(names, people) if kept and a.u is not None}
    u.update(draw.uniforms(seed, sess.session_id, [who for who in names if who not in u]))
    ordered = draw.ranked(u, {who: a.facts.weight for who, a in zip(names, people)})
    places = max(sess.capacity - sess.confirmed - sess.offered, 0)
    placement = draw.place(ordered, places, [q["share"] for q in rules["quotas"]],
                           {who: a.in_quotas for who, a in zip(names, people)})
    accept_by = accept_deadline(sess, rules["accept_within_hours"], now)
    _write(tx, sess, _results(people, names, u, ordered, placement, accept_by), now)
    record = Draw(session_id=sess.session_id, offer_id=sess.offer_id, drawn_at=now, drawn_by=drawn_by, seed=seed,
                  seed_sha256=draw.seed_sha256(seed), places=places, rules=rules, applicants=len(people),
                  offered=len(placement.offered))
    tx.add(record)
    sess.applied = 0
    sess.offered += len(placement.offered)
    sess.waitlisted += len(placement.waiting)
    sess.drawn_at = now
    tx.flush()
    record_event(tx, outbox, SessionEvent.DRAWN, {"session_id": sess.session_id, "offer_id": sess.offer_id,
                                             "applicants": len(people), "offered": len(placement.offered)})
    log.info("session %s drawn by %s: %d applicants, %d offered", sess.session_id, drawn_by, len(people),
             len(placement.offered))
    return record


def _rules(offer: Offer) -> dict:
    a = offer.allocation or {}
    return {"factors": {**draw.FACTORS, "period_days": a.get("period_days", 365), "no_show_days": draw.NO_SHOW_DAYS},
            "priority_worker_categories": a.get("priority_worker_categories") or [],
            "quotas": a.get("quotas") or [], "accept_within_hours": a.get("accept_within_hours", 48),
            "offer_seed_sha256": a.get("seed_sha256")}


# Each applicant's result, as the draw writes it: its booking's ballot_* columns (models.Booking), the
# status following from ballot_result and the waiting order from ballot_rank. A temporary table filled in
# one COPY, then one UPDATE of the bookings joined to it: each applicant is written once.
_RESULTS = Table("booking_draw_results", MetaData(), Column("id", String(40)),  # joined by a hash: no index
                 *(Column(c.name, c.type) for c in Booking.__table__.c if c.name.startswith("ballot_")),
                 Column("accept_by", UTCDateTime()), prefixes=["TEMPORARY"])
_DRAWN = {c.name for c in _RESULTS.c} - {"id"}  # the booking columns the draw fills
WAITLISTED_PER_EVENT = 500  # the losers of a draw, in draw order, this many to a session.waitlisted event


def _results(people: list[Applicant], names: list[str], u: dict[str, float], ordered: list[str],
             placement: draw.Placement, accept_by: datetime) -> dict[str, list]:
    """The columns of _RESULTS, one value per applicant (in the order of `people`)."""
    rank = {who: i for i, who in enumerate(ordered, start=1)}
    won = placement.offered
    facts = [a.facts for a in people]
    in_quotas = {q: quota_csv(q) for q in {a.in_quotas for a in people}}
    return {"id": [a.booking_id for a in people], "ballot_applicant": names, "ballot_u": [u[who] for who in names],
            "ballot_open_need": [f.open_need for f in facts],
            "ballot_not_served_recently": [f.not_served_recently for f in facts],
            "ballot_priority_category": [f.priority_category for f in facts],
            "ballot_no_shows": [f.no_shows for f in facts], "ballot_weight": [f.weight for f in facts],
            "ballot_rank": [rank[who] for who in names], "ballot_in_quotas": [in_quotas[a.in_quotas] for a in people],
            "ballot_result": [BookingStatus.OFFERED if who in won else BookingStatus.WAITLISTED for who in names],
            "ballot_quota": [won.get(who) for who in names],
            "accept_by": [accept_by if who in won else None for who in names],
            "worker_id": [a.worker_id for a in people], "version": [a.version + 1 for a in people]}


def _write(tx: Session, sess: BookableSession, results: dict[str, list], now: datetime) -> None:
    """Every applicant's booking, in one UPDATE: offered or waitlisted, its rank, its entry; then the events:
    one booking.offered per winner, the losers in session.waitlisted events of WAITLISTED_PER_EVENT each (a
    draw of 100,000 writes about 200 events, not 100,000).

    On PostgreSQL the UPDATE (the server's work, most of the draw's time) runs on this transaction's
    connection from a second thread while this one builds the events (Python's work): nothing else uses
    the connection until the UPDATE has returned."""
    if not results["id"]:
        return
    conn = tx.connection()
    _RESULTS.create(conn)
    insert_columns(conn, _RESULTS, {c.name: results[c.name] for c in _RESULTS.c})
    r, b = _RESULTS, Booking.__table__
    drawn = (update(b).where(b.c.id == r.c.id, b.c.status == BookingStatus.APPLIED)
             .values(status=r.c.ballot_result, waitlist_seq=r.c.ballot_rank, version=b.c.version + 1,
                     updated_at=now, **{name: r.c[name] for name in _DRAWN}))
    if conn.dialect.name == "postgresql":
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw-update") as pool:
            updating = pool.submit(conn.execute, drawn)
            told = event_rows(outbox, _events(sess, results))
            updating.result()
    else:
        conn.execute(drawn)
        told = event_rows(outbox, _events(sess, results))
    _RESULTS.drop(conn)
    record_event_rows(tx, outbox, told)


def _events(sess: BookableSession, results: dict[str, list]) -> list[tuple[str, dict]]:
    base = {"session_id": sess.session_id, "offer_id": sess.offer_id}
    ranked = sorted(zip(results["ballot_rank"], results["id"], results["worker_id"], results["version"],
                        results["accept_by"]))
    won = [(BookingEvent.OFFERED, {"booking_id": booking_id, **base, "worker_id": worker_id,
                                   "status": BookingStatus.OFFERED, "version": version,
                                   "accept_by": accept_by.isoformat()})
           for _rank, booking_id, worker_id, version, accept_by in ranked if accept_by is not None]
    lost = [{"booking_id": booking_id, "worker_id": worker_id, "version": version, "rank": rank}
            for rank, booking_id, worker_id, version, accept_by in ranked if accept_by is None]
    return won + [(SessionEvent.WAITLISTED, {**base, "status": BookingStatus.WAITLISTED,
                                             "items": lost[i:i + WAITLISTED_PER_EVENT]})
                  for i in range(0, len(lost), WAITLISTED_PER_EVENT)]
