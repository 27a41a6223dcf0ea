"""What matching publishes: profile.saved, worker.erased, worker.open_needs, offer.matches_need, and its own
needs.imported.

What it consumes is wired in worker.py; the handlers live in readmodel.py."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.event_types import AnswerEvent, ProfileEvent, WorkerEvent
from shared.events import record_event
from shared.timeutil import utcnow

from .models import Need, Profile, outbox
from .needstates import UNRESOLVED

NEEDS_IMPORTED = "needs.imported"  # matching's own: extend the match index after an import
ANSWERS_PER_EVENT = 500  # workers listed in one offer.matches_need event (answers.py)


def profile_payload(profile: Profile) -> dict:
    return {
        "worker_id": profile.worker_id,
        "revision": profile.revision,
        "birth_date": profile.birth_date.isoformat(),
        "district": profile.district,
        "worker_category": profile.worker_category,
        "union_member": profile.union_member,
        "children_birth_years": profile.children_birth_years,
    }


def publish_profile_saved(session: Session, profile: Profile) -> None:
    record_event(session, outbox, ProfileEvent.SAVED, profile_payload(profile))


def publish_worker_erased(session: Session, worker_id: str, pseudonym: str) -> None:
    record_event(session, outbox, WorkerEvent.ERASED, {"worker_id": worker_id, "pseudonym": pseudonym})


def publish_offer_matches_need(session: Session, offer_id: str, title: str, kind: str, items: list[dict]) -> None:
    """A newly published offer answers these workers' open needs, and they may use it (notify tells them)."""
    record_event(session, outbox, AnswerEvent.OFFER_MATCHES_NEED, {"offer_id": offer_id, "title": title,
                                                                   "kind": kind, "items": items})


def publish_needs_imported(session: Session, need_ids: list[str]) -> None:
    record_event(session, outbox, NEEDS_IMPORTED, {"need_ids": need_ids})


OPEN_NEEDS_CHUNK = 500  # workers an event


def publish_open_needs(session: Session, worker_ids) -> None:
    """Where some workers' open needs may have changed: their open categories as they stand in this transaction
    (worker.open_needs; booking weighs ballot applications by them)."""
    ids = sorted(set(worker_ids))
    for i in range(0, len(ids), OPEN_NEEDS_CHUNK):
        chunk = ids[i:i + OPEN_NEEDS_CHUNK]
        open_by = {w: set() for w in chunk}
        for worker_id, category in session.execute(
                select(Need.worker_id, Need.category).distinct()
                .where(Need.worker_id.in_(chunk), Need.status.in_(UNRESOLVED), Need.erased_at.is_(None))):
            open_by[worker_id].add(category)
        record_event(session, outbox, WorkerEvent.OPEN_NEEDS, {"as_of": utcnow().isoformat(), "items": [
            {"worker_id": w, "categories": sorted(c)} for w, c in open_by.items()]})
