"""Reading a need's loop: one need, its history, and the list's loop filters. Staff reads are audited."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.timeutil import local_today

from . import audit, history
from .models import Need, Profile
from .needlife import load
from .needstates import ESCALATING


def loop_filters(stmt, args: dict):
    """GET /matching/needs: assigned_union_id (that union exactly), overdue=true, worker_category."""
    if "assigned_union_id" in args:
        stmt = stmt.where(Need.assigned_union_id == args["assigned_union_id"])
    if args.get("overdue") is True:
        stmt = stmt.where(Need.status.in_(ESCALATING), Need.due_date < local_today())
    elif args.get("overdue") is False:
        stmt = stmt.where(~(Need.status.in_(ESCALATING) & (Need.due_date < local_today())) | Need.due_date.is_(None))
    if "worker_category" in args:
        stmt = stmt.where(Need.worker_id.in_(select(Profile.worker_id)
                                             .where(Profile.worker_category == args["worker_category"])))
    return stmt


def get_need(session: Session, principal: Principal, need_id: str) -> Need:
    need = load(session, principal, need_id)
    audit.record(session, principal, audit.NEED_READ, [need.worker_id])
    return need


def need_history(session: Session, principal: Principal, need_id: str) -> dict:
    need = load(session, principal, need_id)
    audit.record(session, principal, audit.NEED_HISTORY, [need.worker_id])
    return {"need_id": need.id, "items": history.of_need(session, need)}
