"""From the other services' events to notifications (handlers; the map is in worker.py).

Each handler runs in the consumer's transaction, after the event id went into notify_inbox;
a notification's trigger is the event id (or, for "your need has an answer", the offer: a worker
hears of one offer once; for an event on many bookings, the event id and the booking), and the
unique (recipient, trigger) makes a second one impossible."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared.events import Envelope
from shared.timeutil import parse_iso, utcnow

from . import inbox, kinds, readmodel, texts, timers
from .inbox import Outgoing

ENDS_BOOKING = (kinds.BOOKING_CANCELLED, kinds.BOOKING_EXPIRED, kinds.BOOKING_PASSED_ON, kinds.BOOKING_ATTENDED,
                kinds.BOOKING_NO_SHOW)
CONFIRMS = (kinds.BOOKING_CONFIRMED, kinds.BOOKING_PROMOTED, kinds.BOOKING_ACCEPTED)


def on_booking(session: Session, env: Envelope) -> None:
    """booking.*: keep the booking's state, tell the worker, schedule or cancel its reminders."""
    data, now = env.data, utcnow()
    if not readmodel.record_booking(session, data):
        return  # an older state than the one held: telling it now would mislead
    starts_at = readmodel.start_of(session, data["session_id"])
    accept_by = _time(data.get("accept_by"))
    if env.type in CONFIRMS:
        timers.schedule(session, kinds.SESSION_REMINDER, data, starts_at, timers.REMIND_BEFORE, now)
    if env.type == kinds.BOOKING_ACCEPTED:
        timers.cancel(session, data["booking_id"], (kinds.OFFER_EXPIRING,))
    if env.type == kinds.BOOKING_OFFERED and accept_by is not None:
        timers.schedule(session, kinds.OFFER_EXPIRING, data, accept_by, timers.ACCEPT_REMINDER_BEFORE, now)
    if env.type in ENDS_BOOKING:
        timers.cancel(session, data["booking_id"])
    offer = readmodel.offer_of(session, data["offer_id"])
    message = texts.booking(env.type, data["booking_id"], offer.title if offer else None, starts_at, accept_by)
    if message is not None:
        inbox.post(session, [Outgoing(kinds.WORKER, data["worker_id"], env.id, message,
                                      offer.union_path if offer else "")], now)


def on_session_waitlisted(session: Session, env: Envelope) -> None:
    """session.waitlisted: a ballot's losers, up to 500 an event. Each item is its booking.waitlisted
    (the booking's state kept, no timer to set or drop), told in words for a ballot (texts.ballot_waitlisted);
    one notification per item, its trigger the event id and the booking, posted together."""
    data = env.data
    fresh = readmodel.record_bookings(session, [
        {"booking_id": item["booking_id"], "session_id": data["session_id"], "offer_id": data["offer_id"],
         "worker_id": item["worker_id"], "status": data["status"], "version": item["version"]}
        for item in data.get("items") or []])
    if not fresh:
        return
    offer = readmodel.offer_of(session, data["offer_id"])
    starts_at = readmodel.start_of(session, data["session_id"])
    title, path = (offer.title, offer.union_path) if offer else (None, "")
    inbox.post(session, [Outgoing(kinds.WORKER, row["worker_id"], f"{env.id}:{row['booking_id']}",
                                  texts.ballot_waitlisted(row["booking_id"], title, starts_at), path)
                         for row in fresh], utcnow())


def on_offer_matches_need(session: Session, env: Envelope) -> None:
    """A newly published offer serves open needs of eligible workers: each is told once per offer."""
    data = env.data
    offer = readmodel.offer_of(session, data["offer_id"])
    message = texts.matches_need(data["offer_id"], data.get("title") or (offer.title if offer else ""))
    trigger = f"{kinds.OFFER_MATCHES_NEED}:{data['offer_id']}"
    path = offer.union_path if offer else ""
    inbox.post(session, [Outgoing(kinds.WORKER, item["worker_id"], trigger, message, path)
                         for item in data.get("items") or []], utcnow())


def on_need(session: Session, env: Envelope) -> None:
    """need.assigned / responded / resolved tell the worker; reopened / escalated tell the owning union's staff."""
    data = env.data
    owner = readmodel.union_of(session, data.get("union_id"))
    path = owner.path if owner else ""
    if env.type in (kinds.NEED_REOPENED, kinds.NEED_ESCALATED):
        if not data.get("union_id"):
            return  # nobody owns it: no staff to tell
        source = readmodel.union_of(session, data.get("from_union_id"))
        message = texts.need_for_staff(env.type, data["need_id"], source.name if source else None)
        recipient = (kinds.UNION, data["union_id"])
    else:
        message = texts.need_for_worker(env.type, data["need_id"], owner.name if owner else None,
                                        data.get("due_date"), data.get("outcome"))
        recipient = (kinds.WORKER, data["worker_id"])
    if message is not None:
        inbox.post(session, [Outgoing(*recipient, env.id, message, path)], utcnow())


def _time(value):
    try:
        return parse_iso(value) if value else None
    except (TypeError, ValueError):
        return None
