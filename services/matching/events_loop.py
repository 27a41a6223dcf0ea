"""What matching publishes about a need's life (publish only). Ids and codes, never a worker's words.

Payloads, as agreed with the notify service (BRIEF's event contract):
- need.assigned  {need_id, worker_id, union_id, assignee, due_date, category}
- need.responded {need_id, worker_id, union_id, offer_ids, category}
- need.resolved  {need_id, worker_id, union_id, outcome, category}   (outcome `booked`: a booking)
- need.reopened  {need_id, worker_id, union_id, assignee, reason}    (reason: not_satisfied | booking_cancelled)
- need.escalated {need_id, worker_id, from_union_id, union_id, category}
- problem.escalated {problem_id, category, district, worker_category, from_union_id, union_id} (matching's own)
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shared.event_types import NeedEvent, ProblemEvent
from shared.events import record_event, record_events

from .models import Need, outbox

NEED_ASSIGNED, NEED_RESPONDED, NEED_RESOLVED = NeedEvent.ASSIGNED, NeedEvent.RESPONDED, NeedEvent.RESOLVED
NEED_REOPENED, NEED_ESCALATED, PROBLEM_ESCALATED = NeedEvent.REOPENED, NeedEvent.ESCALATED, ProblemEvent.ESCALATED


def assigned(need_id: str, worker_id: str, union_id: str, assignee: str | None, due_date: date | None,
             category: str) -> tuple[str, dict]:
    return NEED_ASSIGNED, {"need_id": need_id, "worker_id": worker_id, "union_id": union_id, "assignee": assignee,
                           "due_date": due_date.isoformat() if due_date else None, "category": category}


def responded(need: Need) -> tuple[str, dict]:
    return NEED_RESPONDED, {"need_id": need.id, "worker_id": need.worker_id, "union_id": need.assigned_union_id,
                            "offer_ids": list(need.offer_ids or []), "category": need.category}


def resolved(need_id: str, worker_id: str, union_id: str | None, outcome: str, category: str) -> tuple[str, dict]:
    return NEED_RESOLVED, {"need_id": need_id, "worker_id": worker_id, "union_id": union_id, "outcome": outcome,
                           "category": category}


def reopened(need_id: str, worker_id: str, union_id: str | None, assignee: str | None,
             reason: str) -> tuple[str, dict]:
    return NEED_REOPENED, {"need_id": need_id, "worker_id": worker_id, "union_id": union_id, "assignee": assignee,
                           "reason": reason}


def escalated(need_id: str, worker_id: str, from_union_id: str, union_id: str, category: str) -> tuple[str, dict]:
    return NEED_ESCALATED, {"need_id": need_id, "worker_id": worker_id, "from_union_id": from_union_id,
                            "union_id": union_id, "category": category}


def problem_escalated(item, from_union_id: str) -> tuple[str, dict]:
    return PROBLEM_ESCALATED, {"problem_id": item.id, "category": item.category, "district": item.district,
                               "worker_category": item.worker_category, "from_union_id": from_union_id,
                               "union_id": item.union_id}


def publish(session: Session, event: tuple[str, dict]) -> None:
    record_event(session, outbox, *event)


def publish_many(session: Session, events: list[tuple[str, dict]]) -> None:
    record_events(session, outbox, events)
