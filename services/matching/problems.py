"""The problem list: unresolved needs grouped by category x district x worker category, as unmet
needs are, each group an item a union can take on (owner union, person, due date).

A group is counted over the needs the caller reaches (open, assigned, responded), largest and
oldest first; needs of workers with no profile form groups with no district and no worker
category. An item's id is its key, `<category>.<district>.<worker category>` (`none` where
there is no profile). Taking an item assigns its open needs (those the caller and the new
owner both reach) to the owner with the item's due date; past the due date the item, like
its needs, moves one union up (escalation.py).
"""
from __future__ import annotations

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.timeutil import local_today, utcnow
from shared.vocab import DISTRICTS, NEED_CATEGORIES, WORKER_CATEGORIES

from . import history
from .assignment import bulk_assign, check_due_date, escalate_at, target_union
from .models import Need, ProblemItem, Profile, Union
from .needlife import invalid_state
from .needstates import ASSIGNED, ESCALATING, OPEN, RESPONDED, TAKE, UNRESOLVED
from .reach import reach_of

NONE = "none"


def problem_id(category: str, district: str | None, worker_category: str | None) -> str:
    return f"{category}.{district or NONE}.{worker_category or NONE}"


def parse_id(value: str) -> tuple[str, str | None, str | None]:
    parts = value.split(".")
    if len(parts) == 3 and parts[0] in NEED_CATEGORIES:
        category, district, worker_category = parts
        if district == NONE and worker_category == NONE:
            return category, None, None
        if district in DISTRICTS and worker_category in WORKER_CATEGORIES:
            return category, district, worker_category
    raise NotFound(f"No problem item {value!r}.")


def _grouped(session: Session, principal: Principal, args: dict):
    today = local_today()
    overdue = and_(Need.status.in_(ESCALATING), Need.due_date < today)
    stmt = (select(Need.category, Profile.district, Profile.worker_category, func.count(),
                   func.count(func.distinct(Need.worker_id)), func.min(Need.created_at),
                   *(func.sum(case((Need.status == s, 1), else_=0)) for s in UNRESOLVED),
                   func.sum(case((overdue, 1), else_=0)))
            .select_from(Need).outerjoin(Profile, Profile.worker_id == Need.worker_id)
            .where(Need.status.in_(UNRESOLVED), Need.erased_at.is_(None))
            .group_by(Need.category, Profile.district, Profile.worker_category))
    reach = reach_of(session, principal)
    if not reach.everyone:
        stmt = stmt.where(reach.sql())
    for key, column in (("category", Need.category), ("district", Profile.district),
                        ("worker_category", Profile.worker_category)):
        if key in args:
            stmt = stmt.where(column == args[key])
    return session.execute(stmt).all()


def _item_dict(row, owner: ProblemItem | None, today) -> dict:
    category, district, worker_category, needs, workers, oldest, open_, assigned, responded, overdue = row
    return {"id": problem_id(category, district, worker_category), "category": category, "district": district,
            "worker_category": worker_category, "needs": needs, "open": open_ or 0, "assigned": assigned or 0,
            "responded": responded or 0, "overdue_needs": overdue or 0, "workers": workers, "oldest_at": oldest,
            "union_id": owner.union_id if owner else None, "assignee": owner.assignee if owner else None,
            "due_date": owner.due_date if owner else None,
            "overdue": bool(owner and owner.due_date and owner.due_date < today),
            "taken_at": owner.taken_at if owner else None}


def problem_list(session: Session, principal: Principal, args: dict, *, whole: bool = False) -> dict:
    """The caller's problem list, largest then oldest first; `whole`: every item (exports)."""
    today = local_today()
    owners = {i.id: i for i in session.scalars(select(ProblemItem))}
    items = [_item_dict(r, owners.get(problem_id(*r[:3])), today) for r in _grouped(session, principal, args)]
    if "union_id" in args:
        items = [i for i in items if i["union_id"] == args["union_id"]]
    if "taken" in args:
        items = [i for i in items if (i["union_id"] is not None) == args["taken"]]
    if args.get("overdue"):
        items = [i for i in items if i["overdue"] or i["overdue_needs"]]
    items.sort(key=lambda i: (-i["needs"], i["oldest_at"], i["id"]))
    if whole:
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}
    page, per_page = args["page"], args["per_page"]
    return {"items": items[(page - 1) * per_page: page * per_page], "total": len(items), "page": page,
            "per_page": per_page}


def get_problem(session: Session, principal: Principal, item_id: str) -> dict:
    """One item as the caller sees it; a group with no unresolved need in the caller's reach: 404."""
    category, district, worker_category = parse_id(item_id)
    args = {"category": category}
    rows = [r for r in _grouped(session, principal, args) if (r[1], r[2]) == (district, worker_category)]
    owner = session.get(ProblemItem, item_id, populate_existing=True)
    if not rows:
        raise NotFound(f"No problem item {item_id!r} with needs that you reach.")
    return _item_dict(rows[0], owner, local_today())


def take(session: Session, principal: Principal, item_id: str, data: dict) -> dict:
    """Give the item to a union (taking it on, or passing it on), and its open needs with it."""
    get_problem(session, principal, item_id)  # 404 unless the caller reaches some of its needs
    category, district, worker_category = parse_id(item_id)
    union = target_union(session, principal, data["union_id"])
    check_due_date(data["due_date"])
    now = utcnow()
    values = {"union_id": union.union_id, "assignee": data.get("assignee"), "due_date": data["due_date"],
              "escalate_at": escalate_at(union, data["due_date"]), "updated_at": now}
    item = session.get(ProblemItem, item_id, populate_existing=True)
    before = item.union_id if item else None
    if item is None:
        item = ProblemItem(id=item_id, category=category, district=district, worker_category=worker_category,
                           taken_by=principal.sub, taken_at=now, version=1, **values)
        try:
            with session.begin_nested():
                session.add(item)
        except IntegrityError:
            raise invalid_state("Someone took this item meanwhile; look at it again.") from None
    else:
        owner = session.get(Union, item.union_id)
        if not principal.is_admin and (owner is None or not principal.acts_for(owner.path_ids)):
            raise Forbidden("Another union has taken this item: its staff, and those above it, pass it on.")
        t = ProblemItem.__table__
        done = session.execute(t.update().where(t.c.id == item_id, t.c.version == item.version)
                               .values(**values, version=t.c.version + 1)).rowcount
        if done != 1:
            raise invalid_state("Someone changed this item meanwhile; look at it again.")
        session.refresh(item)
    history.append(session, [history.row(principal, TAKE, problem_id=item_id, union_id=union.union_id,
                                         note=data.get("note"), at=now,
                                         details={"from_union_id": before, "union_id": union.union_id,
                                                  "assignee": item.assignee,
                                                  "due_date": item.due_date.isoformat()})])
    assigned = 0
    if data.get("assign_needs", True):
        filters = {"category": category, "district": district, "worker_category": worker_category}
        assigned = bulk_assign(session, principal, {**data, "filters": filters}, no_profile=district is None,
                               note=data.get("note"))["assigned"]
    return {**get_problem(session, principal, item_id), "needs_assigned": assigned}


def problem_history(session: Session, principal: Principal, item_id: str) -> dict:
    get_problem(session, principal, item_id)
    return {"problem_id": item_id, "items": history.of_problem(session, item_id)}


def has_unresolved(item_id: str):
    """SQL: the item's group still has a need someone must act on (escalation skips empty items)."""
    category, district, worker_category = parse_id(item_id)
    cond = [Need.category == category, Need.status.in_((OPEN, ASSIGNED, RESPONDED)), Need.erased_at.is_(None)]
    if district is None:
        return exists().where(*cond, ~exists().where(Profile.worker_id == Need.worker_id))
    return exists().where(*cond, Profile.worker_id == Need.worker_id, Profile.district == district,
                          Profile.worker_category == worker_category)
