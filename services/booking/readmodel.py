"""Offers, sessions and profiles as booking sees them, kept from other services' events."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session as DbSession

from shared.db import to_path
from shared.events import Envelope
from shared.timeutil import parse_iso

from .models import Offer, Profile, Session
from .waitlist import lock_session, promote


def apply_offer_event(db: DbSession, env: Envelope) -> None:
    data = env.data
    offer = db.get(Offer, data["offer_id"], with_for_update=True)
    if offer is not None and offer.revision >= data["revision"]:
        return  # older or repeated
    if offer is None:
        offer = Offer(offer_id=data["offer_id"])
        db.add(offer)
    offer.revision = data["revision"]
    offer.union_path = to_path(data["union_path"])
    offer.title = data["title"]
    offer.status = data["status"]
    offer.eligibility = data.get("eligibility") or {}
    offer.per_worker_limit = data.get("per_worker_limit")
    offer.waitlist = bool(data.get("waitlist", True))
    db.flush()
    for item in data.get("sessions") or []:
        sess = lock_session(db, item["session_id"])
        if sess is None:
            db.add(Session(session_id=item["session_id"], offer_id=offer.offer_id,
                           starts_at=parse_iso(item["starts_at"]), capacity=item["capacity"],
                           confirmed=0, waitlisted=0, waitlist_seq=0))
            continue
        sess.starts_at = parse_iso(item["starts_at"])
        raised = item["capacity"] > sess.capacity
        sess.capacity = item["capacity"]
        if raised:
            promote(db, sess)  # more places: the waiting list moves up
    db.flush()


def apply_profile_event(db: DbSession, env: Envelope) -> None:
    data = env.data
    profile = db.get(Profile, data["worker_id"])
    if profile is not None and profile.revision >= data["revision"]:
        return
    if profile is None:
        profile = Profile(worker_id=data["worker_id"])
        db.add(profile)
    profile.revision = data["revision"]
    profile.birth_date = date.fromisoformat(data["birth_date"])
    profile.district = data["district"]
    profile.worker_category = data["worker_category"]
    profile.union_member = bool(data["union_member"])
    db.flush()
