"""Demand: who wants each offer and is eligible for it, against its places.

matched_workers: distinct workers with an open or fulfilled need in one of the
offer's categories who are eligible (the match index, age checked today).
confirmed counts places taken (confirmed and attended bookings); unmet: matched
workers without a confirmed or attended booking on the offer.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from shared.api import paginate_list
from shared.auth import Principal
from shared.db import path_contains
from shared.errors import Forbidden, NotFound
from shared.vocab import ACTIVE_BOOKING, BookingStatus

from .matches import age_ok
from .models import TAKING_A_PLACE, Booking, Match, Offer


def offer_demand(session: Session, principal: Principal, offer_id: str) -> dict:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(f"No published offer {offer_id!r} is known to matching.")
    if not principal.acts_for(offer.union_path_ids):
        raise Forbidden("Only staff of the offer's union (or above) and admins see its demand.")
    return _rows(session, [offer])[0]


def demand_table(session: Session, principal: Principal, args: dict) -> dict:
    stmt = select(Offer).where(Offer.status == args["status"])
    if principal.is_staff:
        stmt = stmt.where(path_contains(Offer.union_path, principal.union_id))
    if "union_id" in args:
        stmt = stmt.where(path_contains(Offer.union_path, args["union_id"]))
    if "kind" in args:
        stmt = stmt.where(Offer.kind == args["kind"])
    rows = _rows(session, session.scalars(stmt).all())
    rows.sort(key=lambda r: (-r["unmet"], -r["matched_workers"], r["offer_id"]))
    return paginate_list(rows, args["page"], args["per_page"])


def _rows(session: Session, offers: list[Offer]) -> list[dict]:
    if not offers:
        return []
    ids = [o.offer_id for o in offers]
    in_scope = (lambda col: col.in_(ids)) if len(ids) <= 1000 else (lambda col: col.in_(select(Offer.offer_id)))
    grouped = session.execute(
        select(Match.offer_id, Match.district, Match.worker_category, func.count())
        .join(Offer, Offer.offer_id == Match.offer_id)
        .where(in_scope(Match.offer_id), age_ok())
        .group_by(Match.offer_id, Match.district, Match.worker_category)
    ).all()
    # Matched workers who hold a place: few (bookings), so counted from that side.
    booked = dict(session.execute(
        select(Booking.offer_id, func.count(func.distinct(Booking.worker_id)))
        .join(Match, and_(Match.offer_id == Booking.offer_id, Match.worker_id == Booking.worker_id))
        .join(Offer, Offer.offer_id == Booking.offer_id)
        .where(in_scope(Booking.offer_id), Booking.status.in_(TAKING_A_PLACE), age_ok())
        .group_by(Booking.offer_id)
    ).all())
    out = {o.offer_id: {"offer_id": o.offer_id, "title": o.title, "kind": o.kind, "union_id": o.union_id,
                        "status": o.status, "matched_workers": 0, "by_district": defaultdict(int),
                        "by_worker_category": defaultdict(int), "capacity": o.capacity, "confirmed": 0,
                        "waitlisted": 0, "unmet": 0} for o in offers}
    for offer_id, district, category, count in grouped:
        row = out[offer_id]
        row["matched_workers"] += count
        row["by_district"][district] += count
        row["by_worker_category"][category] += count
    counts = session.execute(
        select(Booking.offer_id, Booking.status, func.count())
        .where(in_scope(Booking.offer_id), Booking.status.in_(ACTIVE_BOOKING))
        .group_by(Booking.offer_id, Booking.status)
    ).all()
    for offer_id, status, count in counts:
        out[offer_id]["waitlisted" if status == BookingStatus.WAITLISTED else "confirmed"] += count
    for offer_id, row in out.items():
        row["unmet"] = row["matched_workers"] - booked.get(offer_id, 0)
        row["by_district"] = dict(sorted(row["by_district"].items(), key=lambda kv: -kv[1]))
        row["by_worker_category"] = dict(sorted(row["by_worker_category"].items(), key=lambda kv: -kv[1]))
    return [out[o.offer_id] for o in offers]
