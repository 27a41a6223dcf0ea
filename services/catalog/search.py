"""Listing offers: visibility, filters, text search and the soonest-session order."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import contains_text, path_contains
from shared.errors import Forbidden, Unauthorized
from shared.text import search_terms
from shared.timeutil import utcnow

from .models import Offer, OfferCategory, OfferSession


def list_offers(session: Session, principal: Principal | None, args: dict) -> dict:
    status = args.get("status", "published")
    stmt = select(Offer).where(Offer.status == status)
    if status != "published":
        if principal is None:
            raise Unauthorized("Listing drafts or closed offers needs a staff or admin token.")
        if not principal.is_staff_or_admin:
            raise Forbidden("Only staff and admins may list drafts or closed offers.")
        if principal.is_staff:
            stmt = stmt.where(path_contains(Offer.union_path, principal.union_id))
    for key in ("kind", "district"):
        if key in args:
            stmt = stmt.where(getattr(Offer, key) == args[key])
    if "union_id" in args:  # the union and every union below it
        stmt = stmt.where(path_contains(Offer.union_path, args["union_id"]))
    if "category" in args:
        stmt = stmt.where(Offer.id.in_(select(OfferCategory.offer_id).where(OfferCategory.category == args["category"])))
    if "q" in args:
        for term in search_terms(args["q"]):
            stmt = stmt.where(contains_text(Offer.search_text, term))
    next_start = (select(func.min(OfferSession.starts_at))
                  .where(OfferSession.offer_id == Offer.id, OfferSession.starts_at > utcnow())
                  .correlate(Offer).scalar_subquery())
    stmt = stmt.order_by(next_start.asc().nulls_last(), Offer.created_at.desc(), Offer.id)
    return paginate(session, stmt, args["page"], args["per_page"])
