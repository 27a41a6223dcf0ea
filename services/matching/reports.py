"""Reports on the loop, per union and everything below it, for needs received in a period.

Scope: the needs of the workers the union's staff reach (reach.py), received (created)
from `from` to `to` inclusive, in Asia/Shanghai days. The caller must act for the union
(its own or one below; admins any), else 404; without `union_id`, the caller's union
(admins: every need).
- received: needs in scope; assigned / responded: of those, ever given an owner / an answer;
- by_status: their status now; by_outcome: outcomes of those resolved or fulfilled now
  (`booked` for fulfilled);
- median_hours_to_response: creation to the first response or resolution by staff;
- median_hours_to_resolution: creation to the resolution (or booking) that stands now;
- resolved_within_30_days: the share, of the needs in scope that were not withdrawn or
  merged, resolved or fulfilled now within 30 days of arriving (null when there are none);
- satisfied / not_satisfied: needs whose worker's latest answer says so.
The rows behind it (one a need, with its text) and the satisfaction list are audited
reads of personal data.
"""
from __future__ import annotations

import statistics
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import NotFound, ValidationFailed
from shared.timeutil import LOCAL_TZ

from . import audit
from .assignment import union_reach
from .models import Need, Profile, Union
from .needstates import ALL_OUTCOMES, CLOSED, DONE, NOT_SATISFIED, SATISFIED, STATUSES
from .reach import EVERYONE, Reach

WITHIN = timedelta(days=30)


def scope(session: Session, principal: Principal, args: dict) -> tuple[str | None, Reach]:
    union_id = args.get("union_id") or principal.union_id
    if union_id is None:
        return None, EVERYONE  # an admin, every union
    union = session.get(Union, union_id)
    if union is None or not principal.acts_for(union.path_ids):
        raise NotFound(f"No union {union_id!r} that you may report on.")
    return union_id, union_reach(session, union_id)


def _in_scope(stmt, reach: Reach, args: dict):
    if args.get("from_") and args.get("to") and args["from_"] > args["to"]:
        raise ValidationFailed({"from": ["`from` is after `to`."]})
    stmt = stmt.where(Need.erased_at.is_(None))
    if not reach.everyone:
        stmt = stmt.outerjoin(Profile, Profile.worker_id == Need.worker_id).where(reach.sql())
    if args.get("from_"):
        stmt = stmt.where(Need.created_at >= datetime.combine(args["from_"], time(0), LOCAL_TZ))
    if args.get("to"):
        stmt = stmt.where(Need.created_at < datetime.combine(args["to"] + timedelta(days=1), time(0), LOCAL_TZ))
    return stmt


def _hours(later, earlier) -> float:
    return (later - earlier).total_seconds() / 3600


def needs_report(session: Session, principal: Principal, args: dict) -> dict:
    union_id, reach = scope(session, principal, args)
    counts = session.execute(_in_scope(
        select(Need.status, Need.outcome, Need.satisfaction, func.count(), func.count(Need.assigned_union_id),
               func.count(Need.first_response_at)).select_from(Need), reach, args)
        .group_by(Need.status, Need.outcome, Need.satisfaction)).all()
    by_status = dict.fromkeys(STATUSES, 0)
    by_outcome = dict.fromkeys(ALL_OUTCOMES, 0)
    satisfaction = {SATISFIED: 0, NOT_SATISFIED: 0}
    received = assigned = responded = closed = 0
    for status, outcome, answer, n, n_assigned, n_responded in counts:
        received += n
        assigned += n_assigned
        responded += n_responded
        by_status[status] = by_status.get(status, 0) + n
        if status in DONE and outcome:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        if answer in satisfaction:
            satisfaction[answer] += n
        if status in CLOSED:
            closed += n
    times = session.execute(_in_scope(
        select(Need.status, Need.created_at, Need.first_response_at, Need.resolved_at).select_from(Need), reach, args)
        .where((Need.first_response_at.is_not(None)) | (Need.resolved_at.is_not(None)))).all()
    to_response = [_hours(r.first_response_at, r.created_at) for r in times if r.first_response_at]
    done = [r for r in times if r.status in DONE and r.resolved_at]
    to_resolution = [_hours(r.resolved_at, r.created_at) for r in done]
    within = sum(1 for r in done if r.resolved_at - r.created_at <= WITHIN)
    actionable = received - closed
    return {"union_id": union_id, "from_": args.get("from_"), "to": args.get("to"), "received": received,
            "assigned": assigned, "responded": responded, "by_status": by_status, "by_outcome": by_outcome,
            "median_hours_to_response": _median(to_response), "median_hours_to_resolution": _median(to_resolution),
            "resolved_within_30_days": round(within / actionable, 4) if actionable else None,
            "satisfied": satisfaction[SATISFIED], "not_satisfied": satisfaction[NOT_SATISFIED]}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


ROW_FIELDS = ["need_id", "created_at", "worker_id", "category", "district", "worker_category", "source", "status",
              "assigned_union_id", "assignee", "due_date", "first_response_at", "hours_to_response", "outcome",
              "referred_to", "resolved_at", "hours_to_resolution", "satisfaction", "feedback_comment", "response",
              "text"]


def report_rows(session: Session, principal: Principal, args: dict) -> list[list]:
    """The needs behind the report, oldest first (ROW_FIELDS)."""
    _union_id, reach = scope(session, principal, args)
    stmt = select(Need, Profile.district, Profile.worker_category).select_from(Need)
    if reach.everyone:
        stmt = stmt.outerjoin(Profile, Profile.worker_id == Need.worker_id)
    rows = session.execute(_in_scope(stmt, reach, args).order_by(Need.created_at, Need.id)).all()
    audit.record(session, principal, audit.REPORT_ROWS, (n.worker_id for n, _d, _c in rows))
    out = []
    for n, district, worker_category in rows:
        out.append([n.id, n.created_at, n.worker_id, n.category, district, worker_category, n.source, n.status,
                    n.assigned_union_id, n.assignee, n.due_date, n.first_response_at,
                    round(_hours(n.first_response_at, n.created_at), 1) if n.first_response_at else None,
                    n.outcome, n.referred_to, n.resolved_at,
                    round(_hours(n.resolved_at, n.created_at), 1) if n.resolved_at else None,
                    n.satisfaction, n.feedback_comment, n.response, n.text])
    return out


SATISFACTION_FIELDS = ["need_id", "worker_id", "category", "district", "worker_category", "text", "status",
                       "outcome", "assigned_union_id", "resolved_at", "satisfaction", "feedback_comment", "feedback_at"]


def satisfaction_list(session: Session, principal: Principal, args: dict) -> list[dict]:
    """Needs in scope with the worker's answer, the latest answer first."""
    _union_id, reach = scope(session, principal, args)
    stmt = select(Need, Profile.district, Profile.worker_category).select_from(Need)
    if reach.everyone:
        stmt = stmt.outerjoin(Profile, Profile.worker_id == Need.worker_id)
    stmt = _in_scope(stmt, reach, args).where(Need.satisfaction.is_not(None))
    if args.get("satisfaction"):
        stmt = stmt.where(Need.satisfaction == args["satisfaction"])
    rows = session.execute(stmt.order_by(Need.feedback_at.desc(), Need.id)).all()
    return [{"need_id": n.id, "worker_id": n.worker_id, "category": n.category, "district": d,
             "worker_category": c, "text": n.text, "status": n.status, "outcome": n.outcome,
             "assigned_union_id": n.assigned_union_id, "resolved_at": n.resolved_at, "satisfaction": n.satisfaction,
             "feedback_comment": n.feedback_comment, "feedback_at": n.feedback_at} for n, d, c in rows]


def satisfaction_page(session: Session, principal: Principal, args: dict) -> dict:
    items = satisfaction_list(session, principal, args)
    page, per_page = args["page"], args["per_page"]
    shown = items[(page - 1) * per_page: page * per_page]
    audit.record(session, principal, audit.REPORT_ROWS, (i["worker_id"] for i in shown))
    return {"items": shown, "total": len(items), "page": page, "per_page": per_page}


def satisfaction_rows(session: Session, principal: Principal, args: dict) -> list[list]:
    """The whole satisfaction list as rows (SATISFACTION_FIELDS), for a download."""
    items = satisfaction_list(session, principal, args)
    audit.record(session, principal, audit.REPORT_ROWS, (i["worker_id"] for i in items))
    return [[i[f] for f in SATISFACTION_FIELDS] for i in items]
