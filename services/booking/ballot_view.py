"""The `ballot` of a booking's answer: why it weighs what it weighs, and where the draw put it.

Before the draw an application's factors are read as they stand now (they may still change:
a need recorded, a no-show marked); the draw fixes them, with the rank and the quota, in the
booking's ballot_* columns. A booking of a first-come session has no ballot (null).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from shared import draw
from shared.timeutil import utcnow
from shared.vocab import BookingStatus

from .models import Booking, Offer
from .priority import for_bookings


def ballots(tx: Session, bookings: list[Booking]) -> dict[str, dict]:
    """booking id -> its ballot, for those of ballot sessions: the drawn from their own rows, the applications
    with one query per session."""
    out = {}
    for b in bookings:
        if b.ballot_rank is not None:  # drawn: the entry the draw wrote on the booking
            out[b.id] = {"applicant": b.ballot_applicant, "weight": b.ballot_weight,
                         "factors": b.facts.multipliers(), "rank": b.ballot_rank, "quota": b.ballot_quota,
                         "result": b.ballot_result,
                         "accept_by": b.accept_by if b.status == BookingStatus.OFFERED else None}
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
