"""A need's life, one need at a time: assign, respond, resolve, feedback, withdraw, merge.

Who: a worker sees and changes only its own needs (another's: 404); staff only needs of
workers they reach (others: 404), and once a need is assigned, only staff of its union or
a union above it respond and resolve (others in reach: 403). Which step may follow which:
needstates.py (else 409 invalid-state).

Each change is one conditional UPDATE ... WHERE status = <as read> AND version = <as read>:
of two people acting on the same need at once, one wins and the other gets 409, whatever
the database's isolation level. The change, its history row and its event are written in
the request's one transaction.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.timeutil import utcnow

from . import events, events_loop, history
from .assignment import check_due_date, owner_values, target_union, union_reach
from .models import Need, Offer, Profile, Union
from .needstates import (ALLOWED_FROM, ASSIGN, ASSIGNED, FEEDBACK, MERGE, MERGED, MERGED_IN, NOT_SATISFIED, OPEN,
                         RESOLVE, RESOLVED, RESPOND, RESPONDED, SATISFIED, UNRESOLVED, WITHDRAW, WITHDRAWN, may)
from .reach import reach_of

_needs = Need.__table__


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Invalid state")


def load(session: Session, principal: Principal, need_id: str) -> Need:
    """The need, if the caller may see it (the worker: its own; staff: in reach); else 404."""
    need = session.get(Need, need_id, populate_existing=True)
    if need is not None and need.erased_at is None:
        if principal.is_worker:
            if need.worker_id == principal.sub:
                return need
        else:
            profile = session.get(Profile, need.worker_id)
            if reach_of(session, principal).covers(need.worker_id, profile and profile.union_id,
                                                   profile and profile.district):
                return need
    raise NotFound(f"No need {need_id!r} that you may see.")


def _change(session: Session, need: Need, action: str, values: dict) -> str:
    """Move the need as read to `values`, or 409 if that step is not allowed or it changed meanwhile."""
    if not may(action, need.status):
        raise invalid_state(f"A need that is {need.status} cannot take the step {action!r}.")
    values.setdefault("updated_at", utcnow())
    done = session.execute(update(_needs).where(_needs.c.id == need.id, _needs.c.status == need.status,
                                                _needs.c.version == need.version)
                           .values(**values, version=_needs.c.version + 1)).rowcount
    if done != 1:
        raise invalid_state("Someone changed this need meanwhile; look at it again.")
    before = need.status
    session.refresh(need)
    if (before in UNRESOLVED) != (need.status in UNRESOLVED):
        events.publish_open_needs(session, [need.worker_id])  # booking weighs ballot applications by them
    return before


def _check_owner(session: Session, principal: Principal, need: Need) -> None:
    """Staff respond and resolve only for the union that owns the need, or one above it."""
    if need.assigned_union_id is None or principal.is_admin:
        return
    union = session.get(Union, need.assigned_union_id)
    if union is None or not principal.acts_for(union.path_ids):
        raise Forbidden("This need is with another union: its staff, and those above it, act on it.")


def assign(session: Session, principal: Principal, need_id: str, data: dict) -> Need:
    need = load(session, principal, need_id)
    union = target_union(session, principal, data["union_id"])
    check_due_date(data["due_date"])
    profile = session.get(Profile, need.worker_id)
    if not union_reach(session, union.union_id).covers(need.worker_id, profile and profile.union_id,
                                                       profile and profile.district):
        raise ValidationFailed({"union_id": ["This union's staff do not reach the need's worker."]})
    if need.status == ASSIGNED:
        _check_owner(session, principal, need)
    now = utcnow()
    before = _change(session, need, ASSIGN, owner_values(union, data.get("assignee"), data["due_date"], now))
    history.append(session, [history.row(
        principal, ASSIGN, need_id=need.id, from_status=before, to_status=ASSIGNED, union_id=union.union_id,
        note=data.get("note"), at=now,
        details={"union_id": union.union_id, "assignee": need.assignee, "due_date": need.due_date.isoformat()})])
    events_loop.publish(session, events_loop.assigned(need.id, need.worker_id, union.union_id, need.assignee,
                                                      need.due_date, need.category))
    return need


def respond(session: Session, principal: Principal, need_id: str, data: dict) -> Need:
    need = load(session, principal, need_id)
    _check_owner(session, principal, need)
    offer_ids = list(dict.fromkeys(data.get("offer_ids") or []))
    known = set(session.scalars(select(Offer.offer_id).where(Offer.offer_id.in_(offer_ids)))) if offer_ids else set()
    unknown = [o for o in offer_ids if o not in known]
    if unknown:
        raise ValidationFailed({"offer_ids": [f"No offer {o!r} is known." for o in unknown]})
    now = utcnow()
    before = _change(session, need, RESPOND, {
        "status": RESPONDED, "response": data["text"].strip(), "offer_ids": offer_ids, "updated_at": now,
        "first_response_at": func.coalesce(_needs.c.first_response_at, now)})
    history.append(session, [history.row(principal, RESPOND, need_id=need.id, from_status=before,
                                         to_status=RESPONDED, union_id=need.assigned_union_id, note=need.response,
                                         details={"offer_ids": offer_ids} if offer_ids else None, at=now)])
    events_loop.publish(session, events_loop.responded(need))
    return need


def resolve(session: Session, principal: Principal, need_id: str, data: dict) -> Need:
    need = load(session, principal, need_id)
    _check_owner(session, principal, need)
    outcome, referred_to = data["outcome"], (data.get("referred_to") or "").strip() or None
    if outcome == "referred" and not referred_to:
        raise ValidationFailed({"referred_to": ["Name the body the need was referred to."]})
    if outcome != "referred" and referred_to:
        raise ValidationFailed({"referred_to": ["Only with the outcome referred."]})
    now = utcnow()
    before = _change(session, need, RESOLVE, {
        "status": RESOLVED, "outcome": outcome, "referred_to": referred_to, "resolved_at": now, "escalate_at": None,
        "updated_at": now, "first_response_at": func.coalesce(_needs.c.first_response_at, now)})
    details = {"outcome": outcome, **({"referred_to": referred_to} if referred_to else {})}
    history.append(session, [history.row(principal, RESOLVE, need_id=need.id, from_status=before,
                                         to_status=RESOLVED, union_id=need.assigned_union_id,
                                         note=data.get("note"), details=details, at=now)])
    events_loop.publish(session, events_loop.resolved(need.id, need.worker_id, need.assigned_union_id, outcome,
                                                      need.category))
    return need


def feedback(session: Session, principal: Principal, need_id: str, data: dict) -> Need:
    """The worker's answer once its need is resolved or fulfilled; not satisfied reopens it."""
    need = load(session, principal, need_id)
    if need.status in ALLOWED_FROM[FEEDBACK] and not need.feedback_due:
        raise invalid_state("You have already said whether you are satisfied with this answer.")
    now = utcnow()
    comment = (data.get("comment") or "").strip() or None
    answer = SATISFIED if data["satisfied"] else NOT_SATISFIED
    values = {"satisfaction": answer, "feedback_comment": comment, "feedback_at": now, "updated_at": now}
    if answer == NOT_SATISFIED:
        values.update(status=OPEN, outcome=None, referred_to=None, resolved_at=None, due_date=None,
                      escalate_at=None)
    before = _change(session, need, FEEDBACK, values)
    history.append(session, [history.row(principal, FEEDBACK, need_id=need.id, from_status=before,
                                         to_status=need.status, union_id=need.assigned_union_id, note=comment,
                                         details={"satisfaction": answer}, at=now)])
    if answer == NOT_SATISFIED:
        events_loop.publish(session, events_loop.reopened(need.id, need.worker_id, need.assigned_union_id,
                                                          need.assignee, NOT_SATISFIED))
    return need


def withdraw(session: Session, principal: Principal, need_id: str) -> Need:
    need = load(session, principal, need_id)
    now = utcnow()
    before = _change(session, need, WITHDRAW, {"status": WITHDRAWN, "escalate_at": None, "updated_at": now})
    history.append(session, [history.row(principal, WITHDRAW, need_id=need.id, from_status=before,
                                         to_status=WITHDRAWN, union_id=need.assigned_union_id, at=now)])
    return need


def merge(session: Session, principal: Principal, need_id: str, data: dict) -> Need:
    """The need is a duplicate of `into` (the same worker's): it becomes `merged`, `into` lives on."""
    into_id = data["into"]
    locked = select(Need.id).where(Need.id.in_(sorted({need_id, into_id}))).order_by(Need.id)
    if session.get_bind().dialect.name != "sqlite":
        session.execute(locked.with_for_update()).all()  # both rows, in one order: no deadlock
    need = load(session, principal, need_id)
    if into_id == need_id:
        raise ValidationFailed({"into": ["A need cannot be merged into itself."]})
    try:
        target = load(session, principal, into_id)
    except NotFound:
        raise ValidationFailed({"into": ["No need with this id that you may see."]}) from None
    if target.worker_id != need.worker_id:
        raise ValidationFailed({"into": ["Only a need of the same worker."]})
    if not may(MERGED_IN, target.status):
        raise invalid_state(f"A need cannot be merged into one that is {target.status}.")
    now = utcnow()
    before = _change(session, need, MERGE, {"status": MERGED, "merged_into": target.id, "escalate_at": None,
                                            "updated_at": now})
    _change(session, target, MERGED_IN, {"updated_at": now})  # guards the target too
    history.append(session, [
        history.row(principal, MERGE, need_id=need.id, from_status=before, to_status=MERGED,
                    union_id=need.assigned_union_id, details={"into": target.id}, at=now),
        history.row(principal, MERGED_IN, need_id=target.id, from_status=target.status, to_status=target.status,
                    union_id=target.assigned_union_id, details={"from": need.id}, at=now)])
    return need
