"""What booking keeps for ballots from other services' events.

From catalog's offer events: the offer's kind and categories (the draw's factors), its allocation
and the ballot's seed (secret until the draw), and per session its end and application window.
From matching's worker.open_needs events: the need categories in which each worker has open needs.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.events import Envelope
from shared.timeutil import parse_iso
from shared.vocab import AllocationMode

from .models import BookableSession, Offer, OpenNeeds


def apply_allocation(offer: Offer, data: dict) -> None:
    """The offer's part: kind, categories, allocation (None: first come) and the seed."""
    offer.kind = data.get("kind")
    offer.categories = data.get("categories") or []
    allocation = data.get("allocation") or {}
    offer.allocation = allocation if allocation.get("mode") == AllocationMode.BALLOT else None
    if data.get("ballot_seed"):
        offer.ballot_seed = data["ballot_seed"]


def apply_sessions(tx: Session, offer: Offer, items: list[dict]) -> None:
    """Each session's end, and for a ballot its window (an allocation never changes once published)."""
    by_id = {s.session_id: s for s in tx.scalars(select(BookableSession).where(
        BookableSession.session_id.in_([i["session_id"] for i in items])))}
    ballot = offer.allocation
    for item in items:
        sess = by_id.get(item["session_id"])
        if sess is None:
            continue
        sess.ends_at = parse_iso(item["ends_at"]) if item.get("ends_at") else None
        if sess.drawn_at is not None:
            continue
        sess.mode = AllocationMode.BALLOT if ballot else AllocationMode.FIRST_COME
        sess.applications_open_at = parse_iso(ballot["applications_open_at"]) if ballot else None
        sess.applications_close_at = parse_iso(ballot["applications_close_at"]) if ballot else None
    tx.flush()


def apply_open_needs(tx: Session, env: Envelope) -> None:
    """matching's worker.open_needs: {items: [{worker_id, categories}], as_of}; the newest word wins."""
    as_of = parse_iso(env.data["as_of"])
    items = {i["worker_id"]: "," + ",".join(sorted(set(i["categories"]))) + "," if i["categories"] else ""
             for i in env.data["items"]}
    known = {row.worker_id: row for row in tx.scalars(select(OpenNeeds).where(OpenNeeds.worker_id.in_(items)))}
    for worker_id, categories in items.items():
        row = known.get(worker_id)
        if row is None:
            tx.add(OpenNeeds(worker_id=worker_id, categories=categories, as_of=as_of))
        elif row.as_of <= as_of:
            row.categories, row.as_of = categories, as_of
    tx.flush()
