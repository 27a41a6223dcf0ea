"""Booking request and response bodies."""
from __future__ import annotations

from marshmallow import fields

from shared.api import Id, LocalDateTime, PageArgs, Schema, always_sent, one_of
from shared.vocab import BookingStatus

from .schemas_ballot import BallotSchema

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
    ballot = fields.Nested(BallotSchema, allow_none=True, metadata={"description": "Ballots only (else null)."})
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
    applied = fields.Integer()
    offered = fields.Integer(metadata={"description": "Places offered by a draw and not yet accepted."})
    remaining = fields.Integer(metadata={"description": "capacity - confirmed - offered."})
    offer_status = fields.String()
    waitlist = fields.Boolean()
    allocation = fields.String(metadata={"description": "first_come or ballot."})
    applications_open_at = LocalDateTime(allow_none=True)
    applications_close_at = LocalDateTime(allow_none=True)
    drawn_at = LocalDateTime(allow_none=True)
