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


def apply_booking_event(session: Session, env) -> None:
    """Keep the bookings read model; a need is fulfilled while a confirmed or attended booking meets it."""
    from sqlalchemy import update

    from .models import Booking, OfferSession
    from .needs import refresh_status

    data = env.data
    booking = session.get(Booking, data["booking_id"])
    if booking is not None and booking.version >= data["version"]:
        return  # older or repeated
    was_taking = booking is not None and booking.status in TAKING_A_PLACE
    if booking is None:
        booking = Booking(booking_id=data["booking_id"])
        session.add(booking)
    booking.offer_id, booking.session_id, booking.worker_id = data["offer_id"], data["session_id"], data["worker_id"]
    booking.status, booking.version = data["status"], data["version"]
    session.flush()
    # Each event is applied once (inbox + version), so the count moves by this event's step.
    step = int(booking.status in TAKING_A_PLACE) - int(was_taking)
    if step:
        session.execute(update(OfferSession).where(OfferSession.session_id == data["session_id"])
                        .values(confirmed=OfferSession.confirmed + step).execution_options(synchronize_session=False))
    refresh_status(session, [data["worker_id"]])


TAKING_A_PLACE = ("confirmed", "attended")
BOOKING_EVENTS = ("booking.confirmed", "booking.waitlisted", "booking.promoted", "booking.cancelled",
                  "booking.attended")


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    from .readmodel import apply_offer_event

    return {
        "catalog": {"offer.published": apply_offer_event, "offer.updated": apply_offer_event,
                    "offer.closed": apply_offer_event},
        "matching": {NEEDS_IMPORTED: apply_needs_imported},
        "booking": {t: apply_booking_event for t in BOOKING_EVENTS},
    }
