"""Running a session's draw exactly once: at the close by the booking worker, or by staff after it.

The session row is the state row: a ballot session is due when its window has closed and
`drawn_at` is still empty. The worker's poller takes a due row FOR UPDATE SKIP LOCKED (a second
worker skips it; after the commit it is no longer due), staff take it FOR UPDATE (waiting for a
draw under way, then answering that draw), and applications update the same row only while it
is undrawn, so none slips in after the draw has read the applicants. booking_draws' primary key
is the last guard: a second draw of a session could not commit.

The draw itself is shared.draw's pure function; this module reads its inputs (priority.py) and
writes every result: the entries, the bookings (offered or waitlisted in draw order), one event
per booking, the counters and the published record, in one transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from shared import draw
from shared.auth import Principal
from shared.bulk import insert_rows
from shared.db import Database
from shared.errors import Conflict, Forbidden, NotFound
from shared.event_types import BookingEvent, SessionEvent
from shared.events import record_event, record_events
from shared.events.relay import wake_relays
from shared.timeutil import utcnow
from shared.vocab import AllocationMode, BookingStatus

from . import events
from .models import BallotEntry, BookableSession, Booking, Draw, Offer, outbox
from .offering import accept_deadline
from .priority import applicants, quota_csv
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
    people = applicants(tx, offer, sess.session_id, now, BookingStatus.APPLIED)
    names = {a.booking_id: draw.applicant(sess.session_id, a.worker_id) for a in people}
    weights = {names[a.booking_id]: a.facts.weight for a in people}
    ordered = draw.order(seed, sess.session_id, weights)
    places = max(sess.capacity - sess.confirmed - sess.offered, 0)
    placement = draw.place(ordered, places, [q["share"] for q in rules["quotas"]],
                           {names[a.booking_id]: set(a.in_quotas) for a in people})
    rank = {who: i for i, who in enumerate(ordered, start=1)}
    accept_by = accept_deadline(sess, rules["accept_within_hours"], now)
    entries = []
    for a in people:
        who = names[a.booking_id]
        won = who in placement.offered
        entries.append({"booking_id": a.booking_id, "session_id": sess.session_id, "applicant": who,
                        "open_need": a.facts.open_need, "not_served_recently": a.facts.not_served_recently,
                        "priority_category": a.facts.priority_category, "no_shows": a.facts.no_shows,
                        "weight": a.facts.weight, "rank": rank[who], "in_quotas": quota_csv(a.in_quotas),
                        "quota": placement.offered.get(who), "result": BookingStatus.OFFERED if won else "waitlisted",
                        "accept_by": accept_by if won else None})
    _write(tx, sess, offer, entries, people, accept_by, now)
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


def _write(tx: Session, sess: BookableSession, offer: Offer, entries: list[dict], people, accept_by, now) -> None:
    """The entries, the bookings (one UPDATE joined to the entries) and one event per booking."""
    if not entries:
        return
    insert_rows(tx, BallotEntry.__table__, entries)
    e, b = BallotEntry.__table__, Booking.__table__
    offered = e.c.result == BookingStatus.OFFERED
    tx.execute(update(b).where(b.c.id == e.c.booking_id, e.c.session_id == sess.session_id, b.c.status == BookingStatus.APPLIED)
               .values(status=case((offered, BookingStatus.OFFERED), else_="waitlisted"), waitlist_seq=e.c.rank,
                       version=b.c.version + 1, updated_at=now)
               .execution_options(synchronize_session=False))
    version = {a.booking_id: a.version + 1 for a in people}
    worker = {a.booking_id: a.worker_id for a in people}
    base = {"session_id": sess.session_id, "offer_id": sess.offer_id}
    stamp = accept_by.isoformat()
    record_events(tx, outbox, [
        (BookingEvent.OFFERED, {"booking_id": row["booking_id"], **base, "worker_id": worker[row["booking_id"]],
                         "status": BookingStatus.OFFERED, "version": version[row["booking_id"]], "accept_by": stamp})
        if row["result"] == BookingStatus.OFFERED else
        (BookingEvent.WAITLISTED, {"booking_id": row["booking_id"], **base, "worker_id": worker[row["booking_id"]],
                             "status": "waitlisted", "version": version[row["booking_id"]]})
        for row in sorted(entries, key=lambda r: r["rank"])])
