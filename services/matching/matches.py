"""The match index: (offer, worker) pairs where the worker has a need in one of the
offer's categories and meets its eligibility, age aside.

Age changes with the calendar, so it is checked when read (`age_ok`), with the
integer trick of shared.eligibility: age >= n  <=>  birth_ymd <= today_ymd - n*10000.
The SQL here must agree with shared.eligibility.check; a test holds them together.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import and_, delete, literal, or_, select
from sqlalchemy.orm import Session

from shared.eligibility import ymd
from shared.timeutil import local_today

from .models import Match, Need, Offer, OfferCategory, Profile

BATCH = 500


def static_eligibility(o=Offer, p=Profile):
    """Every rule but age, as SQL over an offer row and a profile row."""
    return and_(
        or_(o.worker_categories == "", o.worker_categories.like("%," + p.worker_category + ",%")),
        or_(o.districts == "", o.districts.like("%," + p.district + ",%")),
        or_(o.members_only.is_(False), p.union_member.is_(True)),
    )


def age_ok(today: date | None = None, o=Offer, p=Profile):
    t = ymd(today or local_today())
    return and_(
        or_(o.min_age.is_(None), p.birth_ymd <= t - o.min_age * 10000),
        or_(o.max_age.is_(None), p.birth_ymd > t - (o.max_age + 1) * 10000),
    )


def refresh_offer(session: Session, offer_id: str) -> None:
    """Recompute one offer's matches (after it is published or changed)."""
    session.execute(delete(Match).where(Match.offer_id == offer_id))
    pairs = (
        select(literal(offer_id).label("offer_id"), Need.worker_id)
        .join(Profile, Profile.worker_id == Need.worker_id)
        .join(Offer, Offer.offer_id == offer_id)
        .where(Need.category.in_(select(OfferCategory.category).where(OfferCategory.offer_id == offer_id)),
               static_eligibility())
        .distinct()
    )
    session.execute(Match.__table__.insert().from_select(["offer_id", "worker_id"], pairs))


def refresh_workers(session: Session, worker_ids: Iterable[str]) -> None:
    """Recompute the matches of some workers (after a need or a profile change)."""
    ids = sorted(set(worker_ids))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        session.execute(delete(Match).where(Match.worker_id.in_(chunk)))
        pairs = (
            select(Offer.offer_id, Need.worker_id)
            .join(OfferCategory, OfferCategory.offer_id == Offer.offer_id)
            .join(Need, Need.category == OfferCategory.category)
            .join(Profile, Profile.worker_id == Need.worker_id)
            .where(Need.worker_id.in_(chunk), Offer.status.in_(("published", "closed")), static_eligibility())
            .distinct()
        )
        session.execute(Match.__table__.insert().from_select(["offer_id", "worker_id"], pairs))
