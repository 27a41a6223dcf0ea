"""What matching publishes (profile.saved, worker.erased) and what it consumes (catalog's offers and
unions, booking's sign-ups)."""
from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from shared.events import record_event

from .models import TAKING_A_PLACE, Booking, OfferSession, Profile, outbox

PROFILE_SAVED = "profile.saved"
NEEDS_IMPORTED = "needs.imported"  # matching's own: extend the match index after an import
WORKER_ERASED = "worker.erased"  # {"worker_id", "pseudonym"}: every copy of the worker's data goes
# {"offer_id", "title", "kind", "items": [{"worker_id", "need_ids"}]}: a newly published offer answers these
# workers' open needs, and they may use it (notify tells them). At most ANSWERS_PER_EVENT items an event.
OFFER_MATCHES_NEED = "offer.matches_need"
ANSWERS_PER_EVENT = 500
UNION_EVENTS = ("union.created", "union.saved")


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


def publish_worker_erased(session: Session, worker_id: str, pseudonym: str) -> None:
    record_event(session, outbox, WORKER_ERASED, {"worker_id": worker_id, "pseudonym": pseudonym})


def publish_offer_matches_need(session: Session, offer_id: str, title: str, kind: str, items: list[dict]) -> None:
    record_event(session, outbox, OFFER_MATCHES_NEED, {"offer_id": offer_id, "title": title, "kind": kind,
                                                       "items": items})


def publish_needs_imported(session: Session, need_ids: list[str]) -> None:
    record_event(session, outbox, NEEDS_IMPORTED, {"need_ids": need_ids})


def apply_needs_imported(session: Session, env) -> None:
    from . import matches

    matches.add_for_needs(session, env.data["need_ids"])


def apply_booking_event(session: Session, env) -> None:
    """Keep the bookings read model; a need is fulfilled while a confirmed or attended booking meets it.

    Built from prepared Core statements: during a rush this runs once per sign-up."""
    from .needs import refresh_status

    data = env.data
    conn = session.connection()
    known = conn.execute(_BOOKING_STATE, {"id": data["booking_id"]}).first()
    if known is not None and known.version >= data["version"]:
        return  # older or repeated
    row = {"booking_id": data["booking_id"], "offer_id": data["offer_id"], "session_id": data["session_id"],
           "worker_id": data["worker_id"], "status": data["status"], "version": data["version"]}
    if known is None:
        conn.execute(_ADD_BOOKING, row)
    else:
        # worker_id never changes, but for an erasure: a late event must not put the real id back.
        conn.execute(_UPDATE_BOOKING, {"b_id": data["booking_id"], "offer_id": data["offer_id"],
                                       "session_id": data["session_id"], "status": data["status"],
                                       "version": data["version"]})
    # Each event is applied once (inbox + version), so the count moves by this event's step.
    step = int(data["status"] in TAKING_A_PLACE) - int(known is not None and known.status in TAKING_A_PLACE)
    if step:
        conn.execute(_MOVE_CONFIRMED, {"sid": data["session_id"], "step": step})
    refresh_status(session, [data["worker_id"] if known is None else known.worker_id])


_bookings, _sessions = Booking.__table__, OfferSession.__table__
_BOOKING_STATE = select(_bookings.c.status, _bookings.c.version, _bookings.c.worker_id).where(_bookings.c.booking_id == bindparam("id"))
_ADD_BOOKING = insert(_bookings)
_UPDATE_BOOKING = update(_bookings).where(_bookings.c.booking_id == bindparam("b_id"))  # SET: the columns given
_MOVE_CONFIRMED = (update(_sessions).where(_sessions.c.session_id == bindparam("sid"))
                   .values(confirmed=_sessions.c.confirmed + bindparam("step")))


BOOKING_EVENTS = ("booking.confirmed", "booking.waitlisted", "booking.promoted", "booking.cancelled",
                  "booking.attended", "booking.expired")  # expired: left waiting at the start; holds no place


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    from .readmodel import apply_offer_event, apply_union_event

    return {
        "catalog": {"offer.published": apply_offer_event, "offer.updated": apply_offer_event,
                    "offer.closed": apply_offer_event, **{t: apply_union_event for t in UNION_EVENTS}},
        "matching": {NEEDS_IMPORTED: apply_needs_imported},
        "booking": {t: apply_booking_event for t in BOOKING_EVENTS},
    }
