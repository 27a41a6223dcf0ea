"""Bodies of the personal-data endpoints: a worker's export, the audit log."""
from __future__ import annotations

from marshmallow import fields, validate

from shared.api import Id, LocalDateTime, PageArgs, Schema

from .schemas import NeedSchema, ProfileSchema, RecommendationSchema
from .schemas_loop import HistoryItemSchema


class NeedHeldSchema(NeedSchema):
    recorded_by = fields.String(allow_none=True)


class HistoryHeldSchema(HistoryItemSchema):
    need_id = fields.String(required=True)


class BookingHeldSchema(Schema):
    booking_id = fields.String()
    offer_id = fields.String()
    session_id = fields.String()
    status = fields.String()


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = LocalDateTime()
    actor = fields.String()
    actor_role = fields.String()
    actor_union_id = fields.String(allow_none=True)
    worker_id = fields.String()
    action = fields.String()


class ExportSchema(Schema):
    worker_id = fields.String()
    exported_at = LocalDateTime()
    profile = fields.Nested(ProfileSchema, allow_none=True)
    needs = fields.List(fields.Nested(NeedHeldSchema))
    history = fields.List(fields.Nested(HistoryHeldSchema))  # every step of every need, oldest first per need
    recommendations = fields.List(fields.Nested(RecommendationSchema))
    bookings = fields.List(fields.Nested(BookingHeldSchema))  # matching's copy of booking's sign-ups
    reads = fields.List(fields.Nested(AuditEntrySchema))  # staff and admin reads of this data


class AuditQuery(PageArgs):
    worker_id = Id()
    actor = fields.String(validate=validate.Length(min=1, max=64))
