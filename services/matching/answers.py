"""Telling workers that a new offer answers their needs.

When an offer is first published (`offer.published`; an update or a close is not news), the
workers the match index pairs with it (every eligibility rule; age checked for today) who have a
need still waiting for an answer in one of its categories are listed in `offer.matches_need`
events, at most ANSWERS_PER_EVENT workers an event, ids only. Notify turns each into "your need
has an answer". Read from the match index, never a scan of needs against offers; the events are
written in the transaction that applies the offer, so they go out exactly when it commits."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.event_types import OfferEvent
from shared.events import Envelope

from . import events
from .matches import age_ok
from .models import Match, Need, Offer
from .needstates import UNRESOLVED as UNANSWERED  # need statuses still waiting for an answer


def announce(session: Session, env: Envelope) -> int:
    """After an offer event is applied: on a first publication, publish who it answers. Returns the workers."""
    if env.type != OfferEvent.PUBLISHED:
        return 0
    offer = session.get(Offer, env.data["offer_id"])
    if offer is None or offer.status != "published" or not offer.categories:
        return 0
    rows = session.execute(
        select(Need.worker_id, Need.id)
        .join(Match, (Match.worker_id == Need.worker_id) & (Match.offer_id == offer.offer_id))
        .join(Offer, Offer.offer_id == Match.offer_id)
        .where(Need.category.in_(offer.categories), Need.status.in_(UNANSWERED), Need.erased_at.is_(None),
               age_ok())
        .order_by(Need.worker_id, Need.id)).all()
    items: list[dict] = []
    for worker_id, need_id in rows:
        if not items or items[-1]["worker_id"] != worker_id:
            items.append({"worker_id": worker_id, "need_ids": []})
        items[-1]["need_ids"].append(need_id)
    step = events.ANSWERS_PER_EVENT
    for i in range(0, len(items), step):
        events.publish_offer_matches_need(session, offer.offer_id, offer.title, offer.kind, items[i:i + step])
    return len(items)
