"""What the draw knows of each applicant: the facts behind its weight, read in one query.

- open_need: matching says the worker has an open need in one of the offer's categories
  (booking's copy, booking_open_needs, kept from matching's worker.open_needs events);
- not_served_recently: no confirmed or attended booking on an offer of the same kind whose
  session starts after (now - period_days), this session aside;
- priority_category: the worker's category (booking's copy of the profile) is one of the offer's
  priority_worker_categories (groups such as new_employment expanded);
- no_shows: the worker's no_show bookings on sessions that started in the last 365 days.
The worker's category and district also decide which quotas it qualifies for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session as DbSession, aliased

from shared.draw import NO_SHOW_DAYS, Facts, qualifies
from shared.vocab import expand_worker_categories

from .ballot_vocab import NO_SHOW
from .models import Booking, Offer, OpenNeeds, Profile

SERVED = ("confirmed", "attended")


@dataclass(frozen=True)
class Applicant:
    booking_id: str
    worker_id: str
    version: int
    facts: Facts
    in_quotas: frozenset[int]


def applicants(db: DbSession, offer: Offer, session_id: str, at: datetime, *, status: str | None = None,
               booking_ids: list[str] | None = None) -> list[Applicant]:
    """The session's bookings with a given status (the draw: every application), or some bookings by id."""
    allocation = offer.allocation or {}
    period = timedelta(days=allocation.get("period_days", 365))
    b, other = Booking, aliased(Booking)
    served = exists().where(
        other.worker_id == b.worker_id, other.status.in_(SERVED), other.session_id != session_id,
        other.session_starts_at > at - period,
        other.offer_id.in_(select(Offer.offer_id).where(Offer.kind == offer.kind)))
    no_shows = (select(func.count()).select_from(other)
                .where(other.worker_id == b.worker_id, other.status == NO_SHOW,
                       other.session_starts_at > at - timedelta(days=NO_SHOW_DAYS), other.session_starts_at <= at)
                .scalar_subquery())
    stmt = (select(b.id, b.worker_id, b.version, Profile.worker_category, Profile.district, OpenNeeds.categories,
                   served.label("served"), no_shows.label("no_shows"))
            .select_from(b)
            .outerjoin(Profile, Profile.worker_id == b.worker_id)
            .outerjoin(OpenNeeds, OpenNeeds.worker_id == b.worker_id)
            .where(b.session_id == session_id))
    if status is not None:
        stmt = stmt.where(b.status == status)
    if booking_ids is not None:
        stmt = stmt.where(b.id.in_(booking_ids))
    wanted = set(offer.categories or [])
    priority = expand_worker_categories(allocation.get("priority_worker_categories"))
    quotas = allocation.get("quotas") or []
    out = []
    for row in db.execute(stmt.order_by(b.id)):
        facts = Facts(open_need=bool(wanted & set(row.categories or [])), not_served_recently=not row.served,
                      priority_category=row.worker_category in priority, no_shows=int(row.no_shows or 0))
        in_quotas = frozenset(i for i, q in enumerate(quotas) if qualifies(q, row.worker_category, row.district))
        out.append(Applicant(row.id, row.worker_id, row.version, facts, in_quotas))
    return out


def quota_csv(indexes) -> str:
    """",0,2,": the quotas an applicant qualifies for, searchable with LIKE '%,0,%'."""
    return "," + ",".join(str(i) for i in sorted(indexes)) + "," if indexes else ""


def quota_list(csv: str) -> list[int]:
    return [int(i) for i in csv.strip(",").split(",") if i]
