"""Unmet needs: open needs that no published offer with a future session serves
for that worker (eligibility included), grouped by category and district.

A need counts as served only where such an offer still has a place in a future
session; where the only offers it could use are full, its reason is "full".
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from shared.api import paginate_list
from shared.auth import Principal
from shared.timeutil import utcnow

from . import audit
from .matches import age_ok
from .reach import reach_of
from .models import Match, Need, Offer, OfferCategory, OfferSession, Profile

SAMPLES = 3
REASONS = {
    "full": "有这类项目，这些职工也符合条件，但名额已满",
    "no_offer": "目前没有在办的项目提供这类服务",
    "no_profile": "这些职工还没有填写个人资料，无法判断能否报名",
    "not_eligible": "有相关项目，但这些职工不符合报名条件",
}


def _live(now):
    return and_(Offer.status == "published", Offer.last_start_at > now)


def _served(now, with_a_place: bool):
    """The need's worker may use a live offer serving its category (with a free place, if asked)."""
    query = (select(Match.offer_id)
             .join(Offer, Offer.offer_id == Match.offer_id)
             .join(OfferCategory, and_(OfferCategory.offer_id == Match.offer_id,
                                       OfferCategory.category == Need.category))
             .where(Match.worker_id == Need.worker_id, _live(now), age_ok(p=Match)))
    if with_a_place:
        query = query.where(exists().where(OfferSession.offer_id == Match.offer_id, OfferSession.starts_at > now,
                                           OfferSession.confirmed < OfferSession.capacity))
    return exists(query)


def unmet_needs(session: Session, principal: Principal, args: dict) -> dict:
    """Counts and sample texts over the workers the caller reaches only (reach.py)."""
    now = utcnow()
    conditions = [Need.status == "open", Need.erased_at.is_(None), ~_served(now, with_a_place=True)]
    reach = reach_of(session, principal)
    if not reach.everyone:
        conditions.append(reach.sql())
    if "category" in args:
        conditions.append(Need.category == args["category"])
    if "district" in args:
        conditions.append(Profile.district == args["district"])
    base = select(Need).outerjoin(Profile, Profile.worker_id == Need.worker_id).where(*conditions)
    full_only = _served(now, with_a_place=False).label("full_only")
    rows = session.execute(
        base.with_only_columns(Need.category, Profile.district, full_only, func.count(Need.id),
                               func.count(func.distinct(Need.worker_id)))
        .group_by(Need.category, Profile.district, full_only)
    ).all()
    merged: dict = {}
    for category, district, is_full, needs, workers in rows:
        # A worker's needs of one category share one answer, so the split adds up exactly.
        g = merged.setdefault((category, district), {"category": category, "district": district,
                                                     "open_needs": 0, "workers": 0, "full": 0})
        g["open_needs"] += needs
        g["workers"] += workers
        g["full"] += needs if is_full else 0
    groups = sorted(merged.values(), key=lambda g: (-g["open_needs"], g["category"], g["district"] or ""))
    page = paginate_list(groups, args["page"], args["per_page"])
    samples, authors = _samples(session, base, {(g["category"], g["district"]) for g in page["items"]})
    audit.record(session, principal, audit.UNMET_SAMPLES, authors)
    live_categories = set(session.scalars(
        select(OfferCategory.category).join(Offer, Offer.offer_id == OfferCategory.offer_id).where(_live(now))
        .distinct()).all())
    items = []
    for g in page["items"]:
        other = ("no_offer" if g["category"] not in live_categories
                 else "no_profile" if g["district"] is None else "not_eligible")
        reasons = {"full": g["full"], other: g["open_needs"] - g["full"]}
        reasons = {k: v for k, v in reasons.items() if v}
        reason = max(reasons, key=reasons.get)
        items.append({"category": g["category"], "district": g["district"], "open_needs": g["open_needs"],
                      "workers": g["workers"], "sample_texts": samples.get((g["category"], g["district"]), []),
                      "reason": reason, "reason_text": REASONS[reason], "reasons": reasons})
    return {**page, "items": items}


def _samples(session: Session, base, wanted: set) -> tuple[dict, set]:
    """The newest texts of each wanted group, and whose words they are (for the audit log)."""
    if not wanted:
        return {}, set()
    rank = func.row_number().over(partition_by=(Need.category, Profile.district),
                                  order_by=(Need.created_at.desc(), Need.id)).label("rank")
    ranked = base.with_only_columns(Need.category, Profile.district, Need.text, Need.worker_id, rank).subquery()
    rows = session.execute(select(ranked.c.category, ranked.c.district, ranked.c.text, ranked.c.worker_id)
                           .where(ranked.c.rank <= SAMPLES)).all()
    out: dict = {}
    authors: set = set()
    for category, district, text, worker_id in rows:
        if (category, district) in wanted:
            out.setdefault((category, district), []).append(text)
            authors.add(worker_id)
    return out, authors
