"""What catalog publishes: offer.published, offer.updated, offer.closed (OfferEvent); union.created (UnionEvent).

Each event carries the whole offer (sessions, capacity, eligibility,
categories, limits, status, union path) and a revision, so a consumer keeps a
complete read model and can ignore an event older than what it holds.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared.event_types import OfferEvent, UnionEvent
from shared.events import record_event

from .models import Offer, Union, outbox


def offer_payload(offer: Offer) -> dict:
    return {
        "offer_id": offer.id,
        "revision": offer.revision,
        "union_id": offer.union_id,
        "union_path": offer.union_path_ids,
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "categories": offer.categories,
        "district": offer.district,
        "address": offer.address,
        "eligibility": offer.eligibility,
        "per_worker_limit": offer.per_worker_limit,
        "waitlist": offer.waitlist,
        "status": offer.status,
        "published_at": offer.published_at.isoformat() if offer.published_at else None,
        "sessions": [
            {"session_id": s.id, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
             "capacity": s.capacity}
            for s in offer.sessions
        ],
    }


def publish_offer_event(session: Session, event_type: OfferEvent, offer: Offer) -> None:
    record_event(session, outbox, event_type, offer_payload(offer))


def union_payload(union: Union) -> dict:
    """A union as other services keep it: its place in the tree (path: root..itself) and district."""
    return {"union_id": union.id, "name": union.name, "district": union.district, "parent_id": union.parent_id,
            "path": union.path_ids}


def publish_union_event(session: Session, union: Union, event_type: UnionEvent = UnionEvent.CREATED) -> None:
    record_event(session, outbox, event_type, union_payload(union))
