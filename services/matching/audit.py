"""The audit log of staff and admin reads of workers' personal data.

One row per (read, worker): who (the caller's id, role and union), when, what
(an action name such as `profile.read`), and whose data. Never the data itself.
Written in the request's transaction, so a read that fails leaves no row. A
worker reading its own data is not logged.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.timeutil import utcnow

from .models import AuditEntry

PROFILE_READ = "profile.read"
NEEDS_LIST = "needs.list"
RECOMMENDATIONS_READ = "recommendations.read"
UNMET_SAMPLES = "unmet.sample_texts"
EXPORT = "export"
ERASE = "erase"
NEED_READ = "need.read"
NEED_HISTORY = "need.history"
REPORT_ROWS = "reports.rows"  # the needs behind a report, exported (with their texts)


def record(session: Session, principal: Principal, action: str, worker_ids: Iterable[str]) -> None:
    if principal.is_worker:
        return
    ids = sorted(set(worker_ids))
    if not ids:
        return
    now = utcnow()
    session.execute(insert(AuditEntry), [
        {"at": now, "actor": principal.sub, "actor_role": principal.role, "actor_union_id": principal.union_id,
         "worker_id": wid, "action": action} for wid in ids])


def list_entries(session: Session, args: dict) -> dict:
    stmt = select(AuditEntry)
    if "worker_id" in args:
        stmt = stmt.where(AuditEntry.worker_id == args["worker_id"])
    if "actor" in args:
        stmt = stmt.where(AuditEntry.actor == args["actor"])
    stmt = stmt.order_by(AuditEntry.id.desc())
    return paginate(session, stmt, args["page"], args["per_page"])
