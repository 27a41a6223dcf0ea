"""Needs: what workers asked for, classified, open until a booking meets them; add_needs is how they come in."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam, case, exists, insert, select, update
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import new_id
from shared.timeutil import utcnow

from . import audit, events, matches
from .classify import classify
from .models import TAKING_A_PLACE, Booking, Need, OfferCategory, Profile
from .profiles import check_may_write
from .reach import not_found, reach_of


def new_need(worker_id: str, text: str, category: str | None, source: str, interview_point: str | None,
             recorded_by: str | None) -> dict:
    text = text.strip()
    given = bool(category)
    return {
        "id": new_id("need"), "worker_id": worker_id, "text": text,
        "category": category if given else classify(text).category,
        "category_source": "given" if given else "inferred",
        "status": "open", "source": source, "interview_point": interview_point or None,
        "recorded_by": recorded_by, "created_at": utcnow(),
    }


def create_need(session: Session, principal: Principal, data: dict) -> Need:
    check_may_write(principal, data["worker_id"])
    source = data["source"] or ("online" if principal.is_worker else "interview")
    row = new_need(data["worker_id"], data["text"], data["category"], source, data["interview_point"], principal.sub)
    add_needs(session, [row])
    return session.get(Need, row["id"])


def add_needs(session: Session, rows: list[dict], *, index_later: bool = False) -> int:
    """The one way needs come in (one asked for, an import's batch, the demo): insert rows made by
    new_need, mark those a booking already meets fulfilled, and extend the match index.

    index_later (an import): the index is extended by matching's worker, from a needs.imported event
    naming one need for each (worker, category) pair the worker did not have: only such a pair can
    bring new matches, and an import may bring a million. Returns how many needs were added."""
    if not rows:
        return 0
    known = _pairs_held(session, {row["worker_id"] for row in rows}) if index_later else set()
    session.execute(insert(Need), rows)
    need_ids = [row["id"] for row in rows]
    mark_fulfilled(session, need_ids)
    if not index_later:
        matches.add_for_needs(session, need_ids)
        return len(rows)
    firsts: dict[tuple[str, str], str] = {}
    for row in rows:
        pair = (row["worker_id"], row["category"])
        if pair not in known:
            firsts.setdefault(pair, row["id"])
    if firsts:
        events.publish_needs_imported(session, list(firsts.values()))
    return len(rows)


def _pairs_held(session: Session, worker_ids: set[str]) -> set[tuple[str, str]]:
    """(worker, category) of the needs some workers already have."""
    workers, held = sorted(worker_ids), set()
    for i in range(0, len(workers), matches.BATCH):
        found = session.execute(select(Need.worker_id, Need.category)
                                .where(Need.worker_id.in_(workers[i:i + matches.BATCH])).distinct())
        held.update(tuple(r) for r in found)
    return held


def mark_fulfilled(session: Session, need_ids: list[str]) -> None:
    """New needs start open, unless a booking the worker holds already meets them."""
    for i in range(0, len(need_ids), matches.BATCH):
        chunk = need_ids[i:i + matches.BATCH]
        session.execute(update(Need).where(Need.id.in_(chunk), _met()).values(status="fulfilled")
                        .execution_options(synchronize_session=False))


def _met():
    """The need's worker holds a confirmed or attended booking on an offer serving its category.

    One level of EXISTS, so that both conditions correlate to the need being updated (a
    nested EXISTS would match the category against any need in the table)."""
    return exists().where(
        Booking.worker_id == Need.worker_id, Booking.status.in_(TAKING_A_PLACE),
        OfferCategory.offer_id == Booking.offer_id, OfferCategory.category == Need.category)


def refresh_status(session: Session, worker_ids: Iterable[str]) -> None:
    """Recompute open/fulfilled for every need of some workers (after a booking change)."""
    ids = sorted(set(worker_ids))
    conn = session.connection()
    for i in range(0, len(ids), matches.BATCH):
        conn.execute(_REFRESH, {"ids": ids[i:i + matches.BATCH]})


# Built once: every booking event runs it for its worker (once per sign-up in a rush).
_REFRESH = (update(Need.__table__).where(Need.__table__.c.worker_id.in_(bindparam("ids", expanding=True)))
            .values(status=case((_met(), "fulfilled"), else_="open")))


def list_needs(session: Session, principal: Principal, args: dict) -> dict:
    """Needs of the workers the caller reaches, newest first; a worker asking for another's: 404."""
    reach = reach_of(session, principal)
    stmt = select(Need).where(Need.erased_at.is_(None))
    if "worker_id" in args:
        worker_id = args["worker_id"]
        profile = session.get(Profile, worker_id)
        if not reach.covers(worker_id, profile and profile.union_id, profile and profile.district):
            raise not_found(worker_id)
        stmt = stmt.where(Need.worker_id == worker_id)
    elif principal.is_worker:
        stmt = stmt.where(Need.worker_id == principal.sub)
    workers = None
    if not reach.everyone and "worker_id" not in args and not principal.is_worker:
        workers = select(Profile.worker_id).where(reach.sql())
    if "district" in args:
        workers = (workers if workers is not None else select(Profile.worker_id)).where(
            Profile.district == args["district"])
    if workers is not None:
        stmt = stmt.where(Need.worker_id.in_(workers))
    if "category" in args:
        stmt = stmt.where(Need.category == args["category"])
    if "status" in args:
        stmt = stmt.where(Need.status == args["status"])
    stmt = stmt.order_by(Need.created_at.desc(), Need.id.desc())
    page = paginate(session, stmt, args["page"], args["per_page"])
    audit.record(session, principal, audit.NEEDS_LIST, (n.worker_id for n in page["items"]))
    return page
