"""Event type names, one StrEnum per publisher's subject; the values are the wire names (shared/events)."""
from __future__ import annotations

from enum import StrEnum


class OfferEvent(StrEnum):
    """catalog: each carries the whole offer and a revision."""

    PUBLISHED = "offer.published"
    UPDATED = "offer.updated"
    CLOSED = "offer.closed"


class UnionEvent(StrEnum):
    """catalog: the union tree, for the services that decide who reaches whom."""

    CREATED = "union.created"
    SAVED = "union.saved"


class BookingEvent(StrEnum):
    """booking: {booking_id, session_id, offer_id, worker_id, status, version}."""

    CONFIRMED = "booking.confirmed"
    WAITLISTED = "booking.waitlisted"
    PROMOTED = "booking.promoted"
    CANCELLED = "booking.cancelled"
    ATTENDED = "booking.attended"
    EXPIRED = "booking.expired"  # left waiting at the start; holds no place
    APPLIED = "booking.applied"  # a ballot's application, during the window
    OFFERED = "booking.offered"  # a place offered by the draw or passed on; adds accept_by
    ACCEPTED = "booking.accepted"  # the place accepted: the booking is confirmed
    PASSED_ON = "booking.passed_on"  # not accepted in time: expired, the place goes to the next
    NO_SHOW = "booking.no_show"  # a confirmed booking whose worker did not come


class SessionEvent(StrEnum):
    """booking: a ballot session's draw."""

    DRAWN = "session.drawn"  # {session_id, offer_id, applicants, offered}
    # {session_id, offer_id, status: "waitlisted", items: [{booking_id, worker_id, version, rank}]}: the draw's
    # losers, now waitlisted in draw order (rank); at most 500 an event. It stands for one booking.waitlisted
    # per booking (the winners get one booking.offered each): a draw of 100,000 writes 200 events, not 98,000.
    WAITLISTED = "session.waitlisted"


class ProfileEvent(StrEnum):
    """matching: a worker's eligibility attributes."""

    SAVED = "profile.saved"


class WorkerEvent(StrEnum):
    """matching: {"worker_id", "pseudonym"}: every copy of the worker's data goes."""

    ERASED = "worker.erased"
    # {"as_of", "items": [{"worker_id", "categories"}]}: the categories of some workers' unresolved needs
    # now (booking weighs ballot applications by them); at most 500 workers an event.
    OPEN_NEEDS = "worker.open_needs"


class NeedEvent(StrEnum):
    """matching, a need's life: ids and codes only (payloads in services/matching/events_loop.py)."""

    ASSIGNED = "need.assigned"  # {need_id, worker_id, union_id, assignee, due_date, category}
    RESPONDED = "need.responded"  # {need_id, worker_id, union_id, offer_ids, category}
    RESOLVED = "need.resolved"  # {need_id, worker_id, union_id, outcome, category}
    REOPENED = "need.reopened"  # {need_id, worker_id, union_id, assignee, reason}
    ESCALATED = "need.escalated"  # {need_id, worker_id, from_union_id, union_id, category}


class ProblemEvent(StrEnum):
    """matching: a problem item moved up the union tree past its due date."""

    ESCALATED = "problem.escalated"  # {problem_id, category, district, worker_category, from_union_id, union_id}


class AnswerEvent(StrEnum):
    """matching: {offer_id, title, kind, items: [{worker_id, need_ids}]}, at most 500 items an event: a newly
    published offer answers these workers' open needs and they may use it (services/matching/answers.py)."""

    OFFER_MATCHES_NEED = "offer.matches_need"
