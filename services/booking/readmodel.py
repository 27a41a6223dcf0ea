"""Offers, sessions and profiles as booking sees them, kept from other services' events."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from shared.db import like_escape, to_path
from shared.events import Envelope
from shared.timeutil import parse_iso

from .models import BookableSession, Booking, IdempotencyKey, Offer, Profile, outbox
from .waitlist import lock_session, promote


def apply_offer_event(tx: Session, env: Envelope) -> None:
    data = env.data
    offer = tx.get(Offer, data["offer_id"], with_for_update=True)
    if offer is not None and offer.revision >= data["revision"]:
        return  # older or repeated
    if offer is None:
        offer = Offer(offer_id=data["offer_id"])
        tx.add(offer)
    offer.revision = data["revision"]
    offer.union_path = to_path(data["union_path"])
    offer.title = data["title"]
    offer.status = data["status"]
    offer.eligibility = data.get("eligibility") or {}
    offer.per_worker_limit = data.get("per_worker_limit")
    offer.waitlist = bool(data.get("waitlist", True))
    tx.flush()
    for item in data.get("sessions") or []:
        sess = lock_session(tx, item["session_id"])
        if sess is None:
            tx.add(BookableSession(session_id=item["session_id"], offer_id=offer.offer_id,
                           starts_at=parse_iso(item["starts_at"]), capacity=item["capacity"],
                           confirmed=0, waitlisted=0, waitlist_seq=0))
            continue
        sess.starts_at = parse_iso(item["starts_at"])
        raised = item["capacity"] > sess.capacity
        sess.capacity = item["capacity"]
        if raised:
            promote(tx, sess)  # more places: the waiting list moves up
    tx.flush()


def apply_profile_event(tx: Session, env: Envelope) -> None:
    data = env.data
    profile = tx.get(Profile, data["worker_id"])
    if profile is not None and profile.revision >= data["revision"]:
        return
    if profile is None:
        profile = Profile(worker_id=data["worker_id"])
        tx.add(profile)
    profile.revision = data["revision"]
    profile.birth_date = date.fromisoformat(data["birth_date"])
    profile.district = data["district"]
    profile.worker_category = data["worker_category"]
    profile.union_member = bool(data["union_member"])
    tx.flush()


def apply_worker_erased(tx: Session, env: Envelope) -> None:
    """matching's worker.erased: booking's copy goes too. The profile is deleted; the bookings stay (the
    counts and the waiting lists need them) under the pseudonym matching chose, so the events booking
    publishes about them from now on name the pseudonym; the stored answers of the worker's own
    Idempotency-Keys are deleted, and the worker id is replaced in the events still in the outbox."""
    worker_id, pseudonym = env.data["worker_id"], env.data["pseudonym"]
    tx.execute(delete(Profile).where(Profile.worker_id == worker_id))
    tx.execute(update(Booking).where(Booking.worker_id == worker_id).values(worker_id=pseudonym))
    quoted = json.dumps(worker_id, ensure_ascii=False)
    pattern = "%" + like_escape(quoted) + "%"
    tx.execute(delete(IdempotencyKey).where(or_(IdempotencyKey.caller == worker_id,
                                                IdempotencyKey.body.like(pattern, escape="\\"))))
    t = outbox
    for seq, payload in tx.execute(select(t.c.seq, t.c.payload).where(t.c.payload.like(pattern, escape="\\"))):
        data = json.loads(payload)
        if data.get("worker_id") == worker_id:
            data["worker_id"] = pseudonym
            tx.execute(update(t).where(t.c.seq == seq).values(payload=json.dumps(data, ensure_ascii=False)))
    tx.flush()
