"""The `ballot` of a booking's answer: why it weighs what it weighs, and where the draw put it.

Before the draw an application's factors are read as they stand now (they may still change:
a need recorded, a no-show marked); the draw fixes them, with the rank and the quota, in its
entry. A booking of a first-come session has no ballot (null).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import draw
from shared.timeutil import utcnow
from shared.vocab import BookingStatus

from .models import BallotEntry, Booking, Offer
from .priority import for_bookings


def ballots(tx: Session, bookings: list[Booking]) -> dict[str, dict]:
    """booking id -> its ballot, for those of ballot sessions; one query for the drawn, one per session else."""
    if not bookings:
        return {}
    out = {}
    status = {b.id: b.status for b in bookings}
    maybe_drawn = [b.id for b in bookings if b.status != BookingStatus.APPLIED]  # an application has no entry until the draw
    drawn = tx.scalars(select(BallotEntry).where(BallotEntry.booking_id.in_(maybe_drawn))).all() if maybe_drawn else []
    for e in drawn:
        facts = draw.Facts(e.open_need, e.not_served_recently, e.priority_category, e.no_shows)
        out[e.booking_id] = {"applicant": e.applicant, "weight": e.weight, "factors": facts.multipliers(),
                             "rank": e.rank, "quota": e.quota, "result": e.result,
                             "accept_by": e.accept_by if status[e.booking_id] == BookingStatus.OFFERED else None}
    pending = defaultdict(list)
    for b in bookings:
        if b.status == BookingStatus.APPLIED and b.id not in out:
            pending[(b.offer_id, b.session_id)].append(b.id)
    now = utcnow()
    for (offer_id, session_id), ids in pending.items():
        offer = tx.get(Offer, offer_id)
        for a in for_bookings(tx, offer, session_id, now, ids):
            out[a.booking_id] = {"applicant": draw.applicant(session_id, a.worker_id), "weight": a.facts.weight,
                                 "factors": a.facts.multipliers(), "rank": None, "quota": None, "result": None,
                                 "accept_by": None}
    return out
