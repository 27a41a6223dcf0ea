"""Offer rules: who may see and change an offer, and the draft -> published -> closed life."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import Principal, require_acts_for
from shared.db import new_id
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.event_types import OfferEvent
from shared.text import normalise
from shared.timeutil import utcnow
from shared.vocab import DEFAULT_CATEGORIES

from . import events
from .models import Offer, OfferSession, Union

# Once published, only these may change (plus new sessions and higher capacity).
PUBLISHED_EDITABLE = {"title", "description", "address"}
SIMPLE_FIELDS = ("kind", "title", "description", "district", "address", "eligibility", "per_worker_limit", "waitlist")


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the offer's current state")


def _union_for(session: Session, principal: Principal, union_id: str) -> Union:
    union = session.get(Union, union_id)
    if union is None:
        raise ValidationFailed({"union_id": ["No union has this id."]})
    require_acts_for(principal, union.path_ids, f"the union {union_id}")
    return union


def _refresh_search_text(offer: Offer) -> None:
    offer.search_text = normalise(f"{offer.title}\n{offer.description}")


def create_offer(session: Session, principal: Principal, data: dict, offer_id: str | None = None) -> Offer:
    union = _union_for(session, principal, data["union_id"])
    now = utcnow()
    offer = Offer(id=offer_id or new_id("ofr"), union_id=union.id, union_path=union.path, status="draft",
                  revision=1, created_at=now, updated_at=now,
                  **{k: data[k] for k in SIMPLE_FIELDS})
    offer.categories = data.get("categories") or DEFAULT_CATEGORIES[data["kind"]]
    offer.sessions = [OfferSession(id=s.get("id") or new_id("ses"), starts_at=s["starts_at"], ends_at=s["ends_at"],
                                   capacity=s["capacity"]) for s in data.get("sessions", [])]
    _refresh_search_text(offer)
    session.add(offer)
    session.flush()
    return offer


def visible_to(offer: Offer, principal: Principal | None) -> bool:
    """Drafts only for their union's staff (and above) and admins; once published, to everyone, closed
    included: a worker who booked must still see what, when and where (a draft closed unpublished stays hidden)."""
    if offer.status == "published" or (offer.status == "closed" and offer.published_at is not None):
        return True
    return principal is not None and principal.acts_for(offer.union_path_ids)


def get_offer(session: Session, principal: Principal | None, offer_id: str, *, for_update: bool = False) -> Offer:
    stmt = select(Offer).where(Offer.id == offer_id)
    if for_update:
        stmt = stmt.with_for_update()
    offer = session.scalars(stmt).first()
    if offer is None or not visible_to(offer, principal):
        raise NotFound(f"No offer {offer_id!r} that you may see.")
    return offer


def get_offer_to_manage(session: Session, principal: Principal, offer_id: str) -> Offer:
    offer = get_offer(session, principal, offer_id, for_update=True)
    if not principal.acts_for(offer.union_path_ids):
        raise Forbidden("Only staff of the offer's union (or a union above it) may change it.")
    return offer


def _touch(offer: Offer) -> None:
    offer.revision += 1
    offer.updated_at = utcnow()


def update_offer(session: Session, principal: Principal, offer_id: str, patch: dict) -> Offer:
    offer = get_offer_to_manage(session, principal, offer_id)
    if offer.status == "closed":
        raise invalid_state("A closed offer cannot be changed.")
    if offer.status == "published":
        _check_published_patch(offer, patch)
    old_kind, old_categories = offer.kind, offer.categories
    if "union_id" in patch and patch["union_id"] != offer.union_id:
        union = _union_for(session, principal, patch["union_id"])
        offer.union_id, offer.union_path = union.id, union.path
    for key in SIMPLE_FIELDS:
        if key in patch:
            setattr(offer, key, patch[key])
    if "categories" in patch:
        offer.categories = patch["categories"]
    elif "kind" in patch and old_categories == DEFAULT_CATEGORIES[old_kind]:
        # Categories that were the old kind's default follow the new kind.
        offer.categories = DEFAULT_CATEGORIES[patch["kind"]]
    if "sessions" in patch:
        _apply_sessions(offer, patch["sessions"])
    _refresh_search_text(offer)
    _touch(offer)
    session.flush()
    if offer.status == "published":
        events.publish_offer_event(session, OfferEvent.UPDATED, offer)
    return offer


def _check_published_patch(offer: Offer, patch: dict) -> None:
    locked = []
    for key, value in patch.items():
        if key in PUBLISHED_EDITABLE or key == "sessions":
            continue
        current = offer.categories if key == "categories" else getattr(offer, key)
        if value != current:
            locked.append(key)
    if locked:
        raise invalid_state(f"Once published, these cannot change: {', '.join(sorted(locked))}. "
                            "Only title, description, address, new sessions and higher capacity may.")
    if "sessions" not in patch:
        return
    existing = {s.id: s for s in offer.sessions}
    given = {s["id"]: s for s in patch["sessions"] if "id" in s}
    removed = sorted(set(existing) - set(given))
    if removed:
        raise invalid_state(f"A published offer's sessions cannot be removed ({', '.join(removed)}).")
    now = utcnow()
    for item in patch["sessions"]:
        if "id" not in item:
            if item["starts_at"] <= now:
                raise ValidationFailed({"sessions": ["A new session must start in the future."]})
            continue
        old = existing.get(item["id"])
        if old is None:
            continue  # reported as a validation error by _apply_sessions
        if old.starts_at != item["starts_at"] or old.ends_at != item["ends_at"]:
            raise invalid_state(f"A published session's times cannot change ({old.id}).")
        if item["capacity"] < old.capacity:
            raise invalid_state(f"A published session's capacity cannot be lowered ({old.id}: "
                                f"{old.capacity} -> {item['capacity']}).")


def _apply_sessions(offer: Offer, items: list[dict]) -> None:
    """The list replaces the offer's sessions: items with an id update, items without one are new."""
    existing = {s.id: s for s in offer.sessions}
    unknown = [i for i, s in enumerate(items) if "id" in s and s["id"] not in existing]
    if unknown:
        raise ValidationFailed({f"sessions.{i}.id": ["This offer has no session with this id."] for i in unknown})
    ids = [s["id"] for s in items if "id" in s]
    if len(ids) != len(set(ids)):
        raise ValidationFailed({"sessions": ["A session id appears twice."]})
    keep = []
    for item in items:
        sess = existing.get(item.get("id")) or OfferSession(id=new_id("ses"))
        sess.starts_at, sess.ends_at, sess.capacity = item["starts_at"], item["ends_at"], item["capacity"]
        keep.append(sess)
    offer.sessions = keep


def publish(session: Session, principal: Principal, offer_id: str) -> Offer:
    offer = get_offer_to_manage(session, principal, offer_id)
    if offer.status != "draft":
        raise invalid_state(f"Only a draft can be published; this offer is {offer.status}.")
    now = utcnow()
    if not any(s.starts_at > now for s in offer.sessions):
        raise invalid_state("Publishing needs at least one session starting in the future.")
    offer.status = "published"
    offer.published_at = now
    _touch(offer)
    session.flush()
    events.publish_offer_event(session, OfferEvent.PUBLISHED, offer)
    return offer


def close(session: Session, principal: Principal, offer_id: str) -> Offer:
    offer = get_offer_to_manage(session, principal, offer_id)
    if offer.status == "closed":
        raise invalid_state("This offer is already closed.")
    was_published = offer.status == "published"
    offer.status = "closed"
    offer.closed_at = utcnow()
    _touch(offer)
    session.flush()
    if was_published:
        events.publish_offer_event(session, OfferEvent.CLOSED, offer)
    return offer
