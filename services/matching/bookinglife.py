"""What bookings do to needs: a place taken fulfils, a place given up reopens.

- A booking that takes a place (confirmed or attended, from not holding one) fulfils its
  worker's unresolved needs (open, assigned, responded) in the categories its offer
  serves: status `fulfilled`, outcome `booked`.
- A booking that gives its place up (cancelled) reopens the worker's fulfilled needs that
  no other place-taking booking meets: status `open`, the owner union kept.
- A new need starts fulfilled when a booking its worker holds already meets it.
Needs resolved by staff, withdrawn or merged are left alone. Each change has its history
row and its event (need.resolved with outcome `booked`, need.reopened).
"""
from __future__ import annotations

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from shared.timeutil import utcnow

from . import events, events_loop, history
from .models import TAKING_A_PLACE, Booking, Need, OfferCategory
from .needstates import BOOKED, BOOKED_ACTION, BOOKING_GONE, FULFILLED, OPEN, UNRESOLVED

BATCH = 500
_needs = Need.__table__


def met():
    """The need's worker holds a confirmed or attended booking on an offer serving its category.

    One level of EXISTS, so that both conditions correlate to the need being updated (a
    nested EXISTS would match the category against any need in the table)."""
    return exists().where(
        Booking.worker_id == Need.worker_id, Booking.status.in_(TAKING_A_PLACE),
        OfferCategory.offer_id == Booking.offer_id, OfferCategory.category == Need.category)


def fulfil_new(session: Session, need_ids: list[str]) -> None:
    """New needs start open, unless a booking the worker holds already meets them."""
    for i in range(0, len(need_ids), BATCH):
        rows = session.execute(select(Need.id, Need.status, Need.worker_id, Need.category, Need.assigned_union_id)
                               .where(Need.id.in_(need_ids[i:i + BATCH]), Need.status == OPEN, met())).all()
        _fulfil(session, rows, {})


def on_booking_change(session: Session, worker_id: str, offer_id: str, step: int, booking_id: str) -> None:
    """step: +1 the booking now takes a place it did not, -1 it gave one up, 0 no change of place."""
    if step > 0:
        serves = select(OfferCategory.category).where(OfferCategory.offer_id == offer_id)
        rows = session.execute(_locked(session, select(Need.id, Need.status, Need.worker_id, Need.category,
                                                       Need.assigned_union_id)
                                       .where(Need.worker_id == worker_id, Need.status.in_(UNRESOLVED),
                                              Need.category.in_(serves)))).all()
        _fulfil(session, rows, {"offer_id": offer_id, "booking_id": booking_id})
    elif step < 0:
        rows = session.execute(_locked(session, select(Need.id, Need.worker_id, Need.assigned_union_id,
                                                       Need.assignee)
                                       .where(Need.worker_id == worker_id, Need.status == FULFILLED, ~met()))).all()
        _reopen(session, rows, {"offer_id": offer_id, "booking_id": booking_id})


def _locked(session: Session, stmt):
    return stmt if session.get_bind().dialect.name == "sqlite" else stmt.with_for_update(of=Need)


def _fulfil(session: Session, rows, details: dict) -> None:
    if not rows:
        return
    now = utcnow()
    ids = [r.id for r in rows]
    session.execute(update(_needs).where(_needs.c.id.in_(ids))
                    .values(status=FULFILLED, outcome=BOOKED, resolved_at=now, escalate_at=None, updated_at=now,
                            version=_needs.c.version + 1))
    history.append(session, (history.row(None, BOOKED_ACTION, need_id=r.id, from_status=r.status,
                                         to_status=FULFILLED, union_id=r.assigned_union_id, details=details or None,
                                         at=now) for r in rows))
    events_loop.publish_many(session, [events_loop.resolved(r.id, r.worker_id, r.assigned_union_id, BOOKED,
                                                            r.category) for r in rows])
    events.publish_open_needs(session, {r.worker_id for r in rows})


def _reopen(session: Session, rows, details: dict) -> None:
    if not rows:
        return
    now = utcnow()
    session.execute(update(_needs).where(_needs.c.id.in_([r.id for r in rows]))
                    .values(status=OPEN, outcome=None, resolved_at=None, updated_at=now,
                            version=_needs.c.version + 1))
    history.append(session, (history.row(None, BOOKING_GONE, need_id=r.id, from_status=FULFILLED, to_status=OPEN,
                                         union_id=r.assigned_union_id, details=details, at=now) for r in rows))
    events_loop.publish_many(session, [events_loop.reopened(r.id, r.worker_id, r.assigned_union_id, r.assignee,
                                                            BOOKING_GONE) for r in rows])
    events.publish_open_needs(session, {r.worker_id for r in rows})
