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


class ProfileEvent(StrEnum):
    """matching: a worker's eligibility attributes."""

    SAVED = "profile.saved"


class WorkerEvent(StrEnum):
    """matching: {"worker_id", "pseudonym"}: every copy of the worker's data goes."""

    ERASED = "worker.erased"


class AnswerEvent(StrEnum):
    """matching: {offer_id, title, kind, items: [{worker_id, need_ids}]}, at most 500 items an event: a newly
    published offer answers these workers' open needs and they may use it (services/matching/answers.py)."""

    OFFER_MATCHES_NEED = "offer.matches_need"
