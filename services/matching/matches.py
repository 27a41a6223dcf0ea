"""The match index: (offer, worker) pairs where the worker has a need in one of the
offer's categories and meets its eligibility, age aside.

Age changes with the calendar, so it is checked when read (`age_ok`), with the
integer trick of shared.eligibility: age >= n  <=>  birth_ymd <= today_ymd - n*10000.
The SQL here must agree with shared.eligibility.check; a test holds them together.

Every query starts from what changed (one offer, some workers, some new needs),
materialised first, so its cost follows the size of the change whatever the
planner believes about the tables (a bulk import leaves it no statistics).
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import and_, delete, exists, literal, or_, select
from sqlalchemy.orm import Session

from shared.eligibility import ymd
from shared.timeutil import local_today

from .models import Match, Need, Offer, OfferCategory, Profile

BATCH = 500
COLUMNS = ["offer_id", "worker_id", "district", "worker_category", "birth_ymd"]
LIVE_OR_CLOSED = ("published", "closed")


def static_eligibility(o=Offer, p=Profile):
    """Every rule but age, as SQL over an offer row and a profile row."""
    return and_(
        or_(o.worker_categories == "", o.worker_categories.like("%," + p.worker_category + ",%")),
        or_(o.districts == "", o.districts.like("%," + p.district + ",%")),
        or_(o.members_only.is_(False), p.union_member.is_(True)),
    )


def age_ok(today: date | None = None, o=Offer, p=Match):
    """Age rules, over an offer row and anything with birth_ymd (a match or a profile)."""
    t = ymd(today or local_today())
    return and_(
        or_(o.min_age.is_(None), p.birth_ymd <= t - o.min_age * 10000),
        or_(o.max_age.is_(None), p.birth_ymd > t - (o.max_age + 1) * 10000),
    )


def _insert(session: Session, pairs) -> None:
    session.execute(Match.__table__.insert().from_select(COLUMNS, pairs))


def _profile_columns():
    return Profile.district, Profile.worker_category, Profile.birth_ymd


def refresh_offer(session: Session, offer_id: str) -> None:
    """Recompute one offer's matches (after it is published or changed)."""
    session.execute(delete(Match).where(Match.offer_id == offer_id))
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status not in LIVE_OR_CLOSED:
        return
    wanted = (select(Need.worker_id).where(Need.category.in_(offer.categories)).distinct()
              .cte("wanted").prefix_with("MATERIALIZED"))
    _insert(session, select(literal(offer_id), Profile.worker_id, *_profile_columns())
            .select_from(wanted)
            .join(Profile, Profile.worker_id == wanted.c.worker_id)
            .join(Offer, Offer.offer_id == offer_id)
            .where(static_eligibility()))


def refresh_workers(session: Session, worker_ids: Iterable[str]) -> None:
    """Recompute all matches of some workers (after a profile change)."""
    ids = sorted(set(worker_ids))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        session.execute(delete(Match).where(Match.worker_id.in_(chunk)))
        wanted = (select(Need.worker_id, Need.category).where(Need.worker_id.in_(chunk)).distinct()
                  .cte("wanted").prefix_with("MATERIALIZED"))
        _insert(session, _pairs_for(wanted).distinct())


def add_for_needs(session: Session, need_ids: list[str]) -> None:
    """Add the matches that new needs bring; a new need never removes one."""
    for i in range(0, len(need_ids), BATCH):
        chunk = need_ids[i:i + BATCH]
        wanted = (select(Need.worker_id, Need.category).where(Need.id.in_(chunk)).distinct()
                  .cte("wanted").prefix_with("MATERIALIZED"))
        already = exists().where(Match.offer_id == Offer.offer_id, Match.worker_id == wanted.c.worker_id)
        _insert(session, _pairs_for(wanted).where(~already).distinct())


def _pairs_for(wanted):
    return (select(Offer.offer_id, wanted.c.worker_id, *_profile_columns())
            .select_from(wanted)
            .join(Profile, Profile.worker_id == wanted.c.worker_id)
            .join(OfferCategory, OfferCategory.category == wanted.c.category)
            .join(Offer, Offer.offer_id == OfferCategory.offer_id)
            .where(Offer.status.in_(LIVE_OR_CLOSED), static_eligibility()))
