"""Unmet needs: open needs that no published offer with a future session serves
for that worker (eligibility included), grouped by category and district."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from shared.timeutil import utcnow

from .matches import age_ok
from .models import Match, Need, Offer, OfferCategory, Profile

SAMPLES = 3
REASONS = {
    "no_offer": "目前没有在办的项目提供这类服务",
    "no_profile": "这些职工还没有填写个人资料，无法判断能否报名",
    "not_eligible": "有相关项目，但这些职工不符合报名条件",
}


def _live(now):
    return and_(Offer.status == "published", Offer.last_start_at > now)


def unmet_needs(session: Session, args: dict) -> dict:
    now = utcnow()
    served = exists(
        select(Match.offer_id)
        .join(Offer, Offer.offer_id == Match.offer_id)
        .join(OfferCategory, and_(OfferCategory.offer_id == Match.offer_id, OfferCategory.category == Need.category))
        .where(Match.worker_id == Need.worker_id, _live(now), age_ok(p=Match))
    )
    conditions = [Need.status == "open", ~served]
    if "category" in args:
        conditions.append(Need.category == args["category"])
    if "district" in args:
        conditions.append(Profile.district == args["district"])
    base = select(Need).outerjoin(Profile, Profile.worker_id == Need.worker_id).where(*conditions)
    groups = session.execute(
        base.with_only_columns(Need.category, Profile.district, func.count(Need.id).label("open_needs"),
                               func.count(func.distinct(Need.worker_id)).label("workers"))
        .group_by(Need.category, Profile.district)
        .order_by(func.count(Need.id).desc(), Need.category, Profile.district)
    ).all()
    total = len(groups)
    page, per_page = args["page"], args["per_page"]
    groups = groups[(page - 1) * per_page: page * per_page]
    samples = _samples(session, base, {(g.category, g.district) for g in groups})
    live_categories = set(session.scalars(
        select(OfferCategory.category).join(Offer, Offer.offer_id == OfferCategory.offer_id).where(_live(now))
        .distinct()).all())
    items = []
    for g in groups:
        reason = ("no_offer" if g.category not in live_categories
                  else "no_profile" if g.district is None else "not_eligible")
        items.append({"category": g.category, "district": g.district, "open_needs": g.open_needs,
                      "workers": g.workers, "sample_texts": samples.get((g.category, g.district), []),
                      "reason": reason, "reason_text": REASONS[reason]})
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def _samples(session: Session, base, wanted: set) -> dict:
    if not wanted:
        return {}
    rank = func.row_number().over(partition_by=(Need.category, Profile.district),
                                  order_by=(Need.created_at.desc(), Need.id)).label("rank")
    ranked = base.with_only_columns(Need.category, Profile.district, Need.text, rank).subquery()
    rows = session.execute(select(ranked.c.category, ranked.c.district, ranked.c.text)
                           .where(ranked.c.rank <= SAMPLES)).all()
    out: dict = {}
    for category, district, text in rows:
        if (category, district) in wanted:
            out.setdefault((category, district), []).append(text)
    return out
