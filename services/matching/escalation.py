"""Past its due date, an assigned need (or a taken problem item) moves one union up the tree.

`escalate_at` is the due row (assignment.escalate_at): a query finds what is due, so any
number of matching workers may run this, and a restart loses nothing. Rows are claimed with
SELECT ... FOR UPDATE SKIP LOCKED (SQLite: BEGIN IMMEDIATE admits one writer at a time), and
an escalated row no longer matches: each escalation happens once. The new owner is the
parent union, nobody in particular, with a new due date ESCALATION_GRACE_DAYS ahead; at the
top of the tree there is no one further up and the timer stops. Each step writes a history
row and need.escalated (problem.escalated for an item), telling the new owner's staff.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.db import Database
from shared.events.relay import wake_relays
from shared.timeutil import local_today, utcnow

from . import events_loop, history
from .assignment import escalate_at
from .models import Need, ProblemItem, Union
from .needstates import ESCALATE, ESCALATING, ESCALATION_GRACE_DAYS
from .problems import has_unresolved

BATCH = 1000


def run(database: Database, now: datetime | None = None, batches: int = 100) -> int:
    """The poller's step: escalate what is due, a batch a transaction; returns how many moved."""
    moved = 0
    for _ in range(batches):
        with database.transaction() as session:
            n = _needs_batch(session, now or utcnow(), database.is_sqlite)
            n += _items_batch(session, now or utcnow(), database.is_sqlite)
        moved += n
        if not n:
            break
    if moved:
        wake_relays()
    return moved


def _claim(stmt, is_sqlite: bool):
    return stmt if is_sqlite else stmt.with_for_update(skip_locked=True)


def _parents(session: Session, union_ids) -> dict[str, Union | None]:
    """Each union's parent (None at the top, or when the parent is not known)."""
    unions = {u.union_id: u for u in session.scalars(select(Union).where(Union.union_id.in_(set(union_ids))))}
    parent_ids = {u.parent_id for u in unions.values() if u.parent_id}
    parents = {u.union_id: u for u in session.scalars(select(Union).where(Union.union_id.in_(parent_ids)))}
    return {uid: parents.get(unions[uid].parent_id) if uid in unions else None for uid in union_ids}


def _needs_batch(session: Session, now: datetime, is_sqlite: bool) -> int:
    due = _claim(select(Need.id, Need.worker_id, Need.category, Need.status, Need.assigned_union_id)
                 .where(Need.escalate_at <= now, Need.status.in_(ESCALATING))
                 .order_by(Need.escalate_at, Need.id).limit(BATCH), is_sqlite)
    rows = session.execute(due).all()
    if not rows:
        return 0
    parents = _parents(session, {r.assigned_union_id for r in rows})
    due_date = local_today(now) + timedelta(days=ESCALATION_GRACE_DAYS)
    by_union = defaultdict(list)
    for r in rows:
        by_union[r.assigned_union_id].append(r)
    t = Need.__table__
    entries, events = [], []
    for union_id, group in by_union.items():
        parent = parents.get(union_id)
        ids = [r.id for r in group]
        if parent is None:  # nobody further up: the timer stops, the owner keeps it
            session.execute(update(t).where(t.c.id.in_(ids)).values(escalate_at=None))
            continue
        session.execute(update(t).where(t.c.id.in_(ids)).values(
            assigned_union_id=parent.union_id, assignee=None, due_date=due_date,
            escalate_at=escalate_at(parent, due_date), updated_at=now, version=t.c.version + 1))
        details = {"from_union_id": union_id, "union_id": parent.union_id, "due_date": due_date.isoformat()}
        entries += [history.row(None, ESCALATE, need_id=r.id, from_status=r.status, to_status=r.status,
                                union_id=parent.union_id, details=details, at=now) for r in group]
        events += [events_loop.escalated(r.id, r.worker_id, union_id, parent.union_id, r.category) for r in group]
    history.append(session, entries)
    events_loop.publish_many(session, events)
    return len(rows)


def _items_batch(session: Session, now: datetime, is_sqlite: bool) -> int:
    items = session.scalars(_claim(select(ProblemItem).where(ProblemItem.escalate_at <= now)
                                   .order_by(ProblemItem.escalate_at, ProblemItem.id).limit(BATCH),
                                   is_sqlite)).all()
    if not items:
        return 0
    parents = _parents(session, {i.union_id for i in items})
    due_date = local_today(now) + timedelta(days=ESCALATION_GRACE_DAYS)
    for item in items:
        parent = parents.get(item.union_id)
        if parent is None or not session.scalar(select(has_unresolved(item.id))):
            item.escalate_at = None  # nobody further up, or nothing left to do: the timer stops
            continue
        before = item.union_id
        item.union_id, item.assignee, item.due_date = parent.union_id, None, due_date
        item.escalate_at, item.updated_at, item.version = escalate_at(parent, due_date), now, item.version + 1
        history.append(session, [history.row(None, ESCALATE, problem_id=item.id, union_id=parent.union_id, at=now,
                                             details={"from_union_id": before, "union_id": parent.union_id,
                                                      "due_date": due_date.isoformat()})])
        events_loop.publish(session, events_loop.problem_escalated(item, before))
    session.flush()
    return len(items)
