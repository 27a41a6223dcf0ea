"""Notify's request and answer bodies."""
from __future__ import annotations

from marshmallow import fields, validate

from shared.api import Bool, Id, LocalDateTime, PageArgs, Schema, Text, always_sent, one_of

from . import kinds


class InboxQuery(PageArgs):
    unread = fields.Boolean(metadata={"description": "true: only what is not read yet"})
    union_id = Id(metadata={"description": "admin: one union's inbox (staff read their own union's)"})


@always_sent
class NotificationSchema(Schema):
    id = fields.String()
    type = fields.String(metadata={"description": "e.g. " + ", ".join(kinds.TYPES)})
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True, metadata={"description": "the page it is about, e.g. /offers/<id>"})
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)


@always_sent
class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "how many were unread and are read now"})


class PreferencesInSchema(Schema):
    sms = Bool(required=True)
    wechat = Bool(required=True)
    phone = Text(32, allow_none=True, metadata={
        "description": "the mainland mobile number texts go to (13812345678, +86 138 1234 5678); null removes it; "
                       "absent: unchanged"})
    wechat_openid = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{6,64}$"), metadata={
        "description": "the worker's openid with the union's WeChat official account; null removes it; "
                       "absent: unchanged"})


@always_sent
class PreferencesSchema(Schema):
    sms = fields.Boolean()
    wechat = fields.Boolean()
    phone = fields.String(allow_none=True, metadata={"description": "masked, e.g. 138****5678"})
    wechat_linked = fields.Boolean(metadata={"description": "an openid is on record"})


class DeliveryQuery(PageArgs):
    status = fields.String(validate=one_of(kinds.DELIVERY_STATUSES))
    channel = fields.String(validate=one_of(kinds.CHANNELS))


@always_sent
class DeliverySchema(Schema):
    id = fields.String()
    notification_id = fields.String()
    type = fields.String()
    title = fields.String()
    worker_id = fields.String()
    channel = fields.String(metadata={"enum": list(kinds.CHANNELS)})
    status = fields.String(metadata={"enum": list(kinds.DELIVERY_STATUSES)})
    attempts = fields.Integer()
    next_attempt_at = LocalDateTime(allow_none=True, metadata={"description": "when it is tried next; null: done"})
    last_error = fields.String(allow_none=True)
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)
