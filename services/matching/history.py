"""The history of needs and problem items: one row per change, appended in the change's transaction.

Nothing here updates or deletes a row (but erasure, which blanks the notes of an erased
worker's needs: privacy.py). A need's first entry is its creation, read from the need
itself (who recorded it, when): the need row keeps those and never changes them.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.timeutil import utcnow

from .models import Need, NeedHistory
from .needstates import OPEN

CREATE = "create"


def row(principal: Principal | None, action: str, *, need_id: str | None = None, problem_id: str | None = None,
        from_status: str | None = None, to_status: str | None = None, union_id: str | None = None,
        note: str | None = None, details: dict | None = None, at=None) -> dict:
    """One history row (principal None: the system did it, e.g. a booking or an escalation)."""
    return {"need_id": need_id, "problem_id": problem_id, "at": at or utcnow(),
            "actor": principal.sub if principal else None, "actor_role": principal.role if principal else None,
            "action": action, "from_status": from_status, "to_status": to_status, "union_id": union_id,
            "note": note or None, "details": details or None}


def append(session: Session, rows: Iterable[dict]) -> None:
    rows = list(rows)
    if rows:
        session.execute(insert(NeedHistory), rows)


def of_need(session: Session, need: Need) -> list[dict]:
    """Oldest first, the creation first."""
    created = {"at": need.created_at, "by": need.recorded_by, "by_role": None, "action": CREATE, "from_": None,
               "to": OPEN, "union_id": None, "note": None, "details": None}
    rows = session.scalars(select(NeedHistory).where(NeedHistory.need_id == need.id).order_by(NeedHistory.id)).all()
    return [created, *(_item(r) for r in rows)]


def of_problem(session: Session, problem_id: str) -> list[dict]:
    rows = session.scalars(select(NeedHistory).where(NeedHistory.problem_id == problem_id)
                           .order_by(NeedHistory.id)).all()
    return [_item(r) for r in rows]


def _item(r: NeedHistory) -> dict:
    return {"at": r.at, "by": r.actor, "by_role": r.actor_role, "action": r.action, "from_": r.from_status,
            "to": r.to_status, "union_id": r.union_id, "note": r.note, "details": r.details}


def blank_notes(session: Session, need_ids: list[str]) -> None:
    """Erasure: the notes may quote the worker; the steps and times stay for the counts."""
    for i in range(0, len(need_ids), 500):
        session.execute(update(NeedHistory).where(NeedHistory.need_id.in_(need_ids[i:i + 500]))
                        .values(note=None).execution_options(synchronize_session=False))
