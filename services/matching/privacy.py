"""A worker's rights over its data: everything held about it (export), and erasure.

Erasure keeps what the counts need and nothing that says who: the profile and
the worker's rows in the match index are deleted; its needs keep their category,
status, source and dates but lose their text and interview point and take a
pseudonym (`erased-…`) instead of the worker's id; matching's copy of its
bookings and the audit entries about it take the same pseudonym; the
`profile.saved` events still in matching's outbox (kept a week) and stream are
deleted. A `worker.erased` event {worker_id, pseudonym} tells booking to do the
same with its copy, so booking's later events about those bookings carry the
pseudonym, and needs stay fulfilled by the bookings that fulfilled them.
"""
from __future__ import annotations

import json
import logging
import uuid

from sqlalchemy import delete, event, exists, or_, select, update
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.db import like_escape
from shared.errors import NotFound
from shared.event_types import ProfileEvent
from shared.events import stream_name
from shared.timeutil import utcnow

from . import audit, events
from .models import AuditEntry, Booking, Match, Need, Profile, outbox
from .reach import not_found
from .recommend import recommendations_for

log = logging.getLogger("unionhub.matching.privacy")
PSEUDONYM_PREFIX = "erased-"
STREAM_SCAN_BATCH = 1000


def _check_self_or_admin(principal: Principal, worker_id: str) -> None:
    if not (principal.is_admin or (principal.is_worker and principal.sub == worker_id)):
        raise not_found(worker_id)


def _holds_anything(session: Session, worker_id: str) -> bool:
    return bool(session.scalar(select(or_(exists().where(Profile.worker_id == worker_id),
                                          exists().where(Need.worker_id == worker_id),
                                          exists().where(Booking.worker_id == worker_id)))))


def export(session: Session, principal: Principal, worker_id: str) -> dict:
    """Everything matching holds about a worker (the worker itself, admin)."""
    _check_self_or_admin(principal, worker_id)
    if not _holds_anything(session, worker_id):
        raise NotFound(f"Nothing is held about worker {worker_id!r}.")
    profile = session.get(Profile, worker_id)
    needs = session.scalars(select(Need).where(Need.worker_id == worker_id)
                            .order_by(Need.created_at, Need.id)).all()
    bookings = session.scalars(select(Booking).where(Booking.worker_id == worker_id)
                               .order_by(Booking.booking_id)).all()
    reads = session.scalars(select(AuditEntry).where(AuditEntry.worker_id == worker_id)
                            .order_by(AuditEntry.id)).all()
    audit.record(session, principal, audit.EXPORT, [worker_id])
    return {"worker_id": worker_id, "exported_at": utcnow(), "profile": profile, "needs": needs,
            "recommendations": recommendations_for(session, profile) if profile else [],
            "bookings": bookings, "reads": reads}


def erase(session: Session, principal: Principal, worker_id: str, redis=None, stream_prefix: str = "") -> str:
    """Erase a worker's personal data (the worker itself, admin); returns the pseudonym."""
    _check_self_or_admin(principal, worker_id)
    if not _holds_anything(session, worker_id):
        raise NotFound(f"Nothing is held about worker {worker_id!r}.")
    pseudonym = PSEUDONYM_PREFIX + uuid.uuid4().hex[:20]
    now = utcnow()
    session.execute(delete(Match).where(Match.worker_id == worker_id))
    session.execute(delete(Profile).where(Profile.worker_id == worker_id))
    session.execute(update(Need).where(Need.worker_id == worker_id)
                    .values(worker_id=pseudonym, text="", interview_point=None, erased_at=now))
    session.execute(update(Booking).where(Booking.worker_id == worker_id).values(worker_id=pseudonym))
    session.execute(update(AuditEntry).where(AuditEntry.worker_id == worker_id).values(worker_id=pseudonym))
    scrub_outbox(session, worker_id)
    events.publish_worker_erased(session, worker_id, pseudonym)
    audit.record(session, principal, audit.ERASE, [pseudonym])
    if redis is not None:
        stream = stream_name(stream_prefix, "matching")

        @event.listens_for(session, "after_commit", once=True)
        def _scrub_stream(_session):
            try:
                scrub_stream(redis, stream, worker_id)
            except Exception as exc:  # the events age out with the stream; never fail the erasure for it
                log.warning("could not scrub the event stream after an erasure: %s", type(exc).__name__)
    return pseudonym


def _carries(payload: str, worker_id: str) -> bool:
    try:
        return json.loads(payload).get("worker_id") == worker_id
    except (ValueError, AttributeError):
        return False


def scrub_outbox(session: Session, worker_id: str) -> int:
    """Delete the worker's profile.saved events from the outbox (sent or not: booking is told to erase)."""
    t = outbox
    pattern = "%" + like_escape(json.dumps(worker_id, ensure_ascii=False)) + "%"
    rows = session.execute(select(t.c.seq, t.c.payload).where(
        t.c.type == ProfileEvent.SAVED, t.c.payload.like(pattern, escape="\\"))).all()
    doomed = [r.seq for r in rows if _carries(r.payload, worker_id)]
    if doomed:
        session.execute(delete(t).where(t.c.seq.in_(doomed)))
    return len(doomed)


def scrub_stream(redis, stream: str, worker_id: str) -> int:
    """Delete the worker's profile.saved entries from matching's stream (low volume: profiles and imports)."""
    removed, start = 0, "-"
    while True:
        entries = redis.xrange(stream, min=start, max="+", count=STREAM_SCAN_BATCH)
        doomed = [entry_id for entry_id, fields in entries
                  if _field(fields, "type") == ProfileEvent.SAVED and _carries(_field(fields, "data"), worker_id)]
        if doomed:
            removed += redis.xdel(stream, *doomed)
        if len(entries) < STREAM_SCAN_BATCH:
            return removed
        last = entries[-1][0]
        start = "(" + (last.decode() if isinstance(last, bytes) else last)


def _field(fields: dict, key: str) -> str:
    value = fields.get(key, fields.get(key.encode()))
    return value.decode() if isinstance(value, bytes) else (value or "")
