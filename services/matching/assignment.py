"""Who may own a need: the union checks, the due date and its timer, and assigning many needs at once.

A need (or a problem item) goes to a union the caller acts for (its own or one below it;
admins: any) whose staff reach the need's worker (reach.py). Past the due date it moves one
union up (escalation.py): `escalate_at` is the due row, the end of the due date in
Asia/Shanghai, and empty at the top of the tree, where there is no one further up.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import ValidationFailed
from shared.timeutil import LOCAL_TZ, local_today, utcnow

from . import events_loop, history
from .models import Need, Profile, Union
from .needstates import ALLOWED_FROM, ASSIGN, ASSIGNED, OPEN
from .reach import Reach, reach_of

MAX_DUE_DAYS = 366
BULK_LIMIT = 5000  # needs one bulk request assigns (oldest first); the answer says how many remain
_needs = Need.__table__


def target_union(session: Session, principal: Principal, union_id: str) -> Union:
    union = session.get(Union, union_id)
    if union is None:
        raise ValidationFailed({"union_id": ["No union has this id."]})
    if not principal.acts_for(union.path_ids):
        raise ValidationFailed({"union_id": ["Assign only to your own union or a union below it."]})
    return union


def union_reach(session: Session, union_id: str) -> Reach:
    """Whom a union's staff reach."""
    return reach_of(session, Principal(sub="-", role="staff", union_id=union_id))


def check_due_date(due: date) -> None:
    today = local_today()
    if due < today:
        raise ValidationFailed({"due_date": ["The due date is in the past."]})
    if due > today + timedelta(days=MAX_DUE_DAYS):
        raise ValidationFailed({"due_date": [f"The due date is more than {MAX_DUE_DAYS} days away."]})


def escalate_at(union: Union, due: date | None) -> datetime | None:
    """When an owner past its due date hands over to the union above: the due date's end, local time."""
    if due is None or union.parent_id is None:
        return None
    return datetime.combine(due + timedelta(days=1), time(0), LOCAL_TZ).astimezone(timezone.utc)


def owner_values(union: Union, assignee: str | None, due: date, now: datetime) -> dict:
    return {"status": ASSIGNED, "assigned_union_id": union.union_id, "assignee": assignee, "due_date": due,
            "escalate_at": escalate_at(union, due), "updated_at": now}


def bulk_assign(session: Session, principal: Principal, data: dict, *, no_profile: bool = False,
                note: str | None = None) -> dict:
    """Assign the needs named (`ids`) or found by `filters` that the caller and the union both reach.

    Named needs that cannot be assigned (not found, not reached, not open or assigned) are
    `skipped`; with filters, open needs are taken (or `status: assigned` ones, to pass
    them on), oldest first, at most BULK_LIMIT, and `remaining` says how many are left."""
    union = target_union(session, principal, data["union_id"])
    check_due_date(data["due_date"])
    ids = data.get("ids")
    filters = data.get("filters") or {}
    statuses = ALLOWED_FROM[ASSIGN] if ids else (filters.get("status") or OPEN,)
    stmt = (select(Need.id, Need.status, Need.worker_id, Need.category)
            .outerjoin(Profile, Profile.worker_id == Need.worker_id)
            .where(Need.erased_at.is_(None), Need.status.in_(statuses)))
    for reach in (reach_of(session, principal), union_reach(session, union.union_id)):
        if not reach.everyone:
            stmt = stmt.where(reach.sql())
    if ids:
        stmt = stmt.where(Need.id.in_(ids))
    else:
        stmt = _filtered(stmt, filters, no_profile)
    found = stmt.order_by(Need.created_at, Need.id)
    if session.get_bind().dialect.name != "sqlite":
        found = found.with_for_update(of=Need)
    rows = session.execute(found.limit(BULK_LIMIT)).all()
    remaining = 0
    if not ids and len(rows) == BULK_LIMIT:
        remaining = session.scalar(select(func.count()).select_from(stmt.subquery())) - len(rows)
    assign_rows(session, principal, rows, union, data.get("assignee"), data["due_date"], note or data.get("note"))
    done = {r.id for r in rows}
    return {"assigned": len(rows), "skipped": [i for i in dict.fromkeys(ids or []) if i not in done],
            "remaining": remaining}


def _filtered(stmt, filters: dict, no_profile: bool):
    if no_profile:
        stmt = stmt.where(Profile.worker_id.is_(None))
    for key, column in (("category", Need.category), ("district", Profile.district),
                        ("worker_category", Profile.worker_category), ("assigned_union_id", Need.assigned_union_id)):
        if filters.get(key):
            stmt = stmt.where(column == filters[key])
    return stmt


def assign_rows(session: Session, principal: Principal, rows, union: Union, assignee: str | None, due: date,
                note: str | None = None) -> None:
    """Rows (id, status, worker_id, category) locked by the caller, each open or assigned."""
    if not rows:
        return
    now = utcnow()
    values = owner_values(union, assignee, due, now)
    ids = [r.id for r in rows]
    for i in range(0, len(ids), 1000):
        session.execute(update(_needs).where(_needs.c.id.in_(ids[i:i + 1000]))
                        .values(**values, version=_needs.c.version + 1))
    details = {"union_id": union.union_id, "assignee": assignee, "due_date": due.isoformat()}
    history.append(session, (history.row(principal, ASSIGN, need_id=r.id, from_status=r.status, to_status=ASSIGNED,
                                         union_id=union.union_id, note=note, details=details, at=now) for r in rows))
    events_loop.publish_many(session, [events_loop.assigned(r.id, r.worker_id, union.union_id, assignee, due,
                                                            r.category) for r in rows])
