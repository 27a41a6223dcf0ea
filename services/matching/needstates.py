"""A need's life: its statuses, outcomes, and which step may follow which (pure; no database).

    open -> assigned -> responded -> resolved (with an outcome)
    open | assigned | responded -> fulfilled (a booking takes a place; outcome `booked`)
    fulfilled -> open (that booking gave up its place and no other meets the need)
    resolved | fulfilled -> open (the worker is not satisfied)
    open | assigned | responded -> withdrawn (by its worker) | merged (into a duplicate, by staff)

The words themselves are shared/vocab.py's NeedStatus and NeedOutcome.
"""
from __future__ import annotations

from shared.vocab import NeedOutcome, NeedStatus

OPEN, ASSIGNED, RESPONDED, RESOLVED = NeedStatus.OPEN, NeedStatus.ASSIGNED, NeedStatus.RESPONDED, NeedStatus.RESOLVED
FULFILLED, WITHDRAWN, MERGED = NeedStatus.FULFILLED, NeedStatus.WITHDRAWN, NeedStatus.MERGED
STATUSES = tuple(NeedStatus)

UNRESOLVED = (OPEN, ASSIGNED, RESPONDED)  # someone still has to act: the problem list
DONE = (RESOLVED, FULFILLED)  # the worker is asked whether it is satisfied
CLOSED = (WITHDRAWN, MERGED)  # out of the loop for good

# What staff may record on resolving; `booked` is set by a booking (status fulfilled).
BOOKED = NeedOutcome.BOOKED
OUTCOMES = tuple(o for o in NeedOutcome if o != BOOKED)
ALL_OUTCOMES = tuple(NeedOutcome)

SATISFIED, NOT_SATISFIED = "satisfied", "not_satisfied"

# Actions (the history's `action`) and the statuses each may start from.
ASSIGN, RESPOND, RESOLVE, FEEDBACK, WITHDRAW, MERGE = "assign", "respond", "resolve", "feedback", "withdraw", "merge"
MERGED_IN = "merged_in"  # on the need a duplicate went into
BOOKED_ACTION, BOOKING_GONE, ESCALATE, REOPEN = "booked", "booking_cancelled", "escalate", "reopen"
TAKE = "take"  # a problem item taken by (or passed to) a union

ALLOWED_FROM = {
    ASSIGN: (OPEN, ASSIGNED),  # assigning an assigned need passes it to another union or person
    RESPOND: (ASSIGNED, RESPONDED),  # a second response adds to the first (both stay in the history)
    RESOLVE: (ASSIGNED, RESPONDED),
    FEEDBACK: DONE,
    WITHDRAW: UNRESOLVED,
    MERGE: UNRESOLVED,  # the duplicate
    MERGED_IN: (OPEN, ASSIGNED, RESPONDED, RESOLVED, FULFILLED),  # the need it goes into
}

ESCALATING = (ASSIGNED, RESPONDED)  # past the due date these move one union up
ESCALATION_GRACE_DAYS = 7  # the new owner's due date: today + this


def may(action: str, status: str) -> bool:
    return status in ALLOWED_FROM[action]
