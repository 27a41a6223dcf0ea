"""What matching keeps from the events it consumes: offers and unions (catalog's offer.* and union.*),
bookings (booking.*, which fulfil needs; session.waitlisted, a draw's losers in batches), and the match
index for its own needs.imported."""
from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from shared.db import to_path
from shared.events import Envelope
from shared.text import tokens
from shared.timeutil import parse_iso, utcnow
from shared.vocab import expand_worker_categories

from . import answers, bookinglife, matches
from .models import TAKING_A_PLACE, Booking, Offer, OfferCategory, OfferSession, Union


def _csv(values) -> str:
    return "," + ",".join(sorted(values)) + "," if values else ""


def apply_offer_event(session: Session, env: Envelope) -> None:
    data = env.data
    offer = session.get(Offer, data["offer_id"])
    if offer is not None and offer.revision >= data["revision"]:
        return  # an older or repeated state: what we hold is newer
    if offer is None:
        offer = Offer(offer_id=data["offer_id"])
        session.add(offer)
    elig = data.get("eligibility") or {}
    match_inputs_before = (offer.categories, offer.eligibility, offer.status) if offer.revision else None
    offer.revision = data["revision"]
    offer.union_id = data["union_id"]
    offer.union_path = to_path(data["union_path"])
    offer.kind = data["kind"]
    offer.title = data["title"]
    offer.description = data.get("description") or ""
    offer.tokens = " ".join(tokens(f"{offer.title} {offer.description}"))
    offer.district = data["district"]
    offer.status = data["status"]
    offer.eligibility = elig
    offer.min_age, offer.max_age = elig.get("min_age"), elig.get("max_age")
    offer.worker_categories = _csv(expand_worker_categories(elig.get("worker_categories")))
    offer.districts = _csv(elig.get("districts") or [])
    offer.members_only = bool(elig.get("members_only"))
    sessions = data.get("sessions") or []
    known = {s.session_id: s for s in offer.sessions}
    merged = []
    for item in sessions:  # keep each session's row (and its places-taken count)
        sess = known.get(item["session_id"]) or OfferSession(session_id=item["session_id"], confirmed=0)
        sess.starts_at, sess.capacity = parse_iso(item["starts_at"]), item["capacity"]
        merged.append(sess)
    offer.sessions = merged
    offer.capacity = sum(s["capacity"] for s in sessions)
    offer.last_start_at = max((parse_iso(s["starts_at"]) for s in sessions), default=None)
    if sorted(offer.categories) != sorted(data["categories"]):
        offer.category_rows = [OfferCategory(category=c) for c in dict.fromkeys(data["categories"])]
    offer.updated_at = utcnow()
    session.flush()
    if match_inputs_before != (offer.categories, offer.eligibility, offer.status):
        matches.refresh_offer(session, offer.offer_id)
    answers.announce(session, env)  # first publication: tell the workers whose needs it answers


def apply_union_event(session: Session, env: Envelope) -> None:
    """union.created / union.saved: the tree reach is decided on. Unions never move, so the last word wins."""
    data = env.data
    union = session.get(Union, data["union_id"])
    if union is None:
        union = Union(union_id=data["union_id"])
        session.add(union)
    union.parent_id = data.get("parent_id")
    union.district = data["district"]
    union.path = to_path(data["path"])
    session.flush()


def apply_needs_imported(session: Session, env: Envelope) -> None:
    """needs.imported: extend the match index for an import's new (worker, category) pairs."""
    matches.add_for_needs(session, env.data["need_ids"])


def apply_booking_event(session: Session, env: Envelope) -> None:
    """Keep the bookings read model; a place taken fulfils needs, a place given up reopens them (bookinglife.py).

    Built from prepared Core statements: during a rush this runs once per sign-up."""
    data = env.data
    conn = session.connection()
    _apply_booking(session, data, conn.execute(_BOOKING_STATE, {"id": data["booking_id"]}).first())


def apply_session_waitlisted(session: Session, env: Envelope) -> None:
    """session.waitlisted: a ballot draw's losers, up to 500 an event, each item standing for the
    booking.waitlisted of its booking. The end state is what apply_booking_event would make of those
    events one by one, in a few statements: one read of what is held, one INSERT of the bookings not
    known yet, one UPDATE (executemany) of those known at an older version. An item whose place changes
    (a known booking that held a place, so the counter and bookinglife move) goes the single way; going
    to a status that holds no place from one that held none, an item touches nothing else."""
    data = env.data
    rows = [{"booking_id": item["booking_id"], "offer_id": data["offer_id"], "session_id": data["session_id"],
             "worker_id": item["worker_id"], "status": data["status"], "version": item["version"]}
            for item in data.get("items") or []]
    if not rows:
        return
    conn = session.connection()
    ids = [r["booking_id"] for r in rows]
    if len(set(ids)) < len(ids):  # a booking twice in one event (never published so): strictly in order
        for row in rows:
            _apply_booking(session, row, conn.execute(_BOOKING_STATE, {"id": row["booking_id"]}).first())
        return
    known = {r.booking_id: r for r in conn.execute(_BOOKINGS_STATE, {"ids": ids})}
    new, changed, stepping = [], [], []
    for row in rows:
        held = known.get(row["booking_id"])
        if held is not None and held.version >= row["version"]:
            continue  # older or repeated
        if _step(row["status"], held):
            stepping.append((row, held))
        elif held is None:
            new.append(row)
        else:
            changed.append({"b_id": row["booking_id"], "offer_id": row["offer_id"], "session_id": row["session_id"],
                            "status": row["status"], "version": row["version"]})
    if new:
        conn.execute(_ADD_BOOKING, new)
    if changed:
        conn.execute(_UPDATE_BOOKING, changed)
    # A step of 0 tells bookinglife nothing; the others one at a time (they change which needs are met).
    for row, held in stepping:
        _apply_booking(session, row, held)


def _step(status: str, held) -> int:
    """+1 the booking now takes a place it did not, -1 it gave one up, 0 no change of place."""
    return int(status in TAKING_A_PLACE) - int(held is not None and held.status in TAKING_A_PLACE)


def _apply_booking(session: Session, data: dict, known) -> None:
    """One booking's new state `data` over what is held of it (`known`, a row of _BOOKING_STATE or None)."""
    if known is not None and known.version >= data["version"]:
        return  # older or repeated
    conn = session.connection()
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
    step = _step(data["status"], known)
    if step:
        conn.execute(_MOVE_CONFIRMED, {"sid": data["session_id"], "step": step})
    bookinglife.on_booking_change(session, data["worker_id"] if known is None else known.worker_id,
                                  data["offer_id"], step, data["booking_id"])


_bookings, _sessions = Booking.__table__, OfferSession.__table__
_BOOKING_STATE = select(_bookings.c.status, _bookings.c.version, _bookings.c.worker_id).where(_bookings.c.booking_id == bindparam("id"))
_BOOKINGS_STATE = (select(_bookings.c.booking_id, _bookings.c.status, _bookings.c.version, _bookings.c.worker_id)
                   .where(_bookings.c.booking_id.in_(bindparam("ids", expanding=True))))
_ADD_BOOKING = insert(_bookings)
_UPDATE_BOOKING = update(_bookings).where(_bookings.c.booking_id == bindparam("b_id"))  # SET: the columns given
_MOVE_CONFIRMED = (update(_sessions).where(_sessions.c.session_id == bindparam("sid"))
                   .values(confirmed=_sessions.c.confirmed + bindparam("step")))
