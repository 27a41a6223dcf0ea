"""What matching publishes (profile.saved) and what it consumes (catalog's offers, booking's sign-ups)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared.events import record_event

from .models import Profile, outbox

PROFILE_SAVED = "profile.saved"
NEEDS_IMPORTED = "needs.imported"  # matching's own: extend the match index after an import


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
    record_event(session, outbox, PROFILE_SAVED, profile_payload(profile))


def publish_needs_imported(session: Session, need_ids: list[str]) -> None:
    record_event(session, outbox, NEEDS_IMPORTED, {"need_ids": need_ids})


def apply_needs_imported(session: Session, env) -> None:
    from . import matches

    matches.add_for_needs(session, env.data["need_ids"])


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    from .readmodel import apply_offer_event

    return {
        "catalog": {"offer.published": apply_offer_event, "offer.updated": apply_offer_event,
                    "offer.closed": apply_offer_event},
        "matching": {NEEDS_IMPORTED: apply_needs_imported},
    }
