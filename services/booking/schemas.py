"""Booking request and response bodies."""
from __future__ import annotations

from marshmallow import fields

from shared.api import Id, LocalDateTime, PageArgs, Schema, always_sent, one_of
from shared.vocab import BookingStatus

STATUSES = tuple(s.value for s in BookingStatus)


class BookingCreateSchema(Schema):
    session_id = Id(required=True)
    worker_id = Id()  # staff and admin: the worker they book for


@always_sent
class BookingSchema(Schema):
    id = fields.String()
    session_id = fields.String()
    offer_id = fields.String()
    worker_id = fields.String()
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class BookingQuery(PageArgs):
    session_id = Id()
    offer_id = Id()
    worker_id = Id()
    status = fields.String(validate=one_of(STATUSES))


@always_sent
class SessionAvailabilitySchema(Schema):
    session_id = fields.String()
    offer_id = fields.String()
    starts_at = LocalDateTime()
    capacity = fields.Integer()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    remaining = fields.Integer()
    offer_status = fields.String()
    waitlist = fields.Boolean()
