"""Recommendations: published offers with a future session, that the worker is
eligible for and that serve one of its open needs, best first.

Score (0..1): category match 0.45 (+0.05 per further need it serves, up to
0.55), text relevance 0.25 (BM25 of the need text against the offer's title and
description), same district 0.10, soonest session 0.10.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from datetime import datetime

from rank_bm25 import BM25Okapi
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.errors import NotFound
from shared.text import tokens
from shared.timeutil import to_local, utcnow
from shared.vocab import ACTIVE_BOOKING, DISTRICTS, NEED_CATEGORIES

from . import audit
from .matches import age_ok
from .models import Booking, Match, Need, Offer, OfferCategory, OfferSession, Profile
from .reach import check_reaches

CATEGORY_LABELS = {
    "health_checkup": "体检", "rest_recuperation": "疗休养", "skills_learning": "学习技能", "housing": "住房",
    "childcare": "子女托管", "wages_benefits": "工资福利", "labour_rights": "劳动权益", "culture_sports": "文体活动",
    "dating_social": "交友婚恋", "mental_health": "心理健康", "commuting_charging": "通勤充电", "other": "其他",
}
assert set(CATEGORY_LABELS) == set(NEED_CATEGORIES)


class _Corpus:
    """BM25 over every published offer, rebuilt when the offers change (any process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._bm25 = None
        self._index: dict[str, int] = {}

    def best_scores(self, session: Session, queries: list[list[str]], offer_ids: list[str]) -> dict[str, float]:
        """For each offer, its best BM25 score against any of the queries."""
        key = session.execute(select(func.count(), func.max(Offer.updated_at))
                              .where(Offer.status == "published")).one()
        with self._lock:
            if key != tuple(self._key or ()):
                rows = session.execute(select(Offer.offer_id, Offer.tokens).where(Offer.status == "published")
                                       .order_by(Offer.offer_id)).all()
                docs = [r.tokens.split() or ["_"] for r in rows]
                self._bm25 = BM25Okapi(docs) if docs else None
                self._index = {r.offer_id: i for i, r in enumerate(rows)}
                self._key = tuple(key)
            bm25, index = self._bm25, self._index
        known = [oid for oid in offer_ids if oid in index]
        best: dict[str, float] = {}
        if bm25 is None or not known:
            return best
        positions = [index[oid] for oid in known]
        for query in queries:
            if not query:
                continue
            for oid, value in zip(known, bm25.get_batch_scores(query, positions)):
                best[oid] = max(best.get(oid, 0.0), float(value))
        return best


corpus = _Corpus()


def recommend(session: Session, principal, worker_id: str, limit: int = 20) -> list[dict]:
    """404 for a worker the caller does not reach, or with no profile (as its profile is)."""
    profile = check_reaches(session, principal, worker_id)
    if profile is None:
        raise NotFound(f"Worker {worker_id!r} has no profile yet.")
    audit.record(session, principal, audit.RECOMMENDATIONS_READ, [worker_id])
    return recommendations_for(session, profile, limit)


def recommendations_for(session: Session, profile: Profile, limit: int = 20) -> list[dict]:
    worker_id = profile.worker_id
    needs = session.scalars(select(Need).where(Need.worker_id == worker_id, Need.status == "open")).all()
    if not needs:
        return []
    now = utcnow()
    booked = select(Booking.offer_id).where(Booking.worker_id == worker_id,
                                             Booking.status.in_(ACTIVE_BOOKING))
    offers = session.execute(
        select(Offer.offer_id, Offer.title, Offer.kind, Offer.district, Offer.tokens, Offer.eligibility)
        .join(Match, Match.offer_id == Offer.offer_id)
        .where(Match.worker_id == worker_id, Offer.status == "published", Offer.last_start_at > now, age_ok(),
               Offer.offer_id.not_in(booked))
    ).all()
    if not offers:
        return []
    ids = [o.offer_id for o in offers]
    cats = defaultdict(set)
    for oid, cat in session.execute(select(OfferCategory.offer_id, OfferCategory.category)
                                    .where(OfferCategory.offer_id.in_(ids))):
        cats[oid].add(cat)
    next_start = dict(session.execute(select(OfferSession.offer_id, func.min(OfferSession.starts_at))
                                      .where(OfferSession.offer_id.in_(ids), OfferSession.starts_at > now)
                                      .group_by(OfferSession.offer_id)).all())
    need_tokens = {n.id: tokens(n.text) for n in needs}
    relevance = corpus.best_scores(session, list(need_tokens.values()), ids)
    items = []
    for offer in offers:
        served = [n for n in needs if n.category in cats[offer.offer_id]]
        if not served or offer.offer_id not in next_start:
            continue
        items.append(_item(offer, served, relevance.get(offer.offer_id, 0.0), profile, next_start[offer.offer_id], now,
                           need_tokens))
    items.sort(key=lambda i: (-i["score"], i["next_session_at"], i["offer_id"]))
    return items[:limit]


def _item(offer, served: list[Need], bm25: float, profile: Profile, starts: datetime, now: datetime,
          need_tokens: dict[str, list[str]]) -> dict:
    days = max((starts - now).total_seconds() / 86400, 0)
    text_score = bm25 / (bm25 + 3.0) if bm25 > 0 else 0.0
    same_district = offer.district == profile.district
    score = (0.45 + min(len(served) - 1, 2) * 0.05 + 0.25 * text_score + 0.10 * same_district
             + 0.10 / (1 + days / 14))
    first = served[0]
    reasons = [f"满足您的需求：{CATEGORY_LABELS[first.category]}（“{_short(first.text)}”）"]
    if len(served) > 1:
        reasons.append(f"同时满足您的另外 {len(served) - 1} 条需求")
    offer_words = set(offer.tokens.split())
    shared = [w for n in served for w in need_tokens[n.id] if w in offer_words]
    if shared:
        reasons.append("与您的描述相关：" + "、".join(dict.fromkeys(shared[:4])))
    if same_district:
        reasons.append(f"就在您所在的{DISTRICTS[profile.district]}")
    reasons.append(f"最近一场：{to_local(starts):%Y-%m-%d %H:%M}")
    if offer.eligibility and any(offer.eligibility.get(k) for k in ("min_age", "max_age", "worker_categories",
                                                                   "districts", "members_only")):
        reasons.append("您符合报名条件")
    return {"offer_id": offer.offer_id, "title": offer.title, "kind": offer.kind, "score": round(min(score, 1.0), 4),
            "need_ids": [n.id for n in served], "reasons": reasons, "next_session_at": starts}


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
