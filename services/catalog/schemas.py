"""Catalog request and response bodies."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api import Bool, Id, Int, LocalDateTime, PageArgs, Schema, Text, always_sent, one_of
from shared.vocab import DISTRICTS, ELIGIBILITY_WORKER_CATEGORIES, NEED_CATEGORIES, OFFER_KINDS, OFFER_STATUSES

from .allocation import AllocationOutSchema, AllocationSchema

class UnionSchema(Schema):
    id = fields.String(dump_only=True)
    name = Text(200, required=True)
    district = fields.String(required=True, validate=one_of(DISTRICTS))
    parent_id = Id(load_default=None, allow_none=True)


class UnionQuery(PageArgs):
    parent_id = Id()
    district = fields.String(validate=one_of(DISTRICTS))


class EligibilitySchema(Schema):
    min_age = Int(load_default=None, allow_none=True, validate=validate.Range(min=0, max=120))
    max_age = Int(load_default=None, allow_none=True, validate=validate.Range(min=0, max=120),
                  metadata={"description": "Not below min_age."})
    worker_categories = fields.List(fields.String(validate=one_of(ELIGIBILITY_WORKER_CATEGORIES)),
                                    load_default=list, validate=validate.Length(max=20))
    districts = fields.List(fields.String(validate=one_of(DISTRICTS)), load_default=list,
                            validate=validate.Length(max=len(DISTRICTS)))
    members_only = Bool(load_default=False)

    @validates_schema
    def _ages(self, data, **_):
        lo, hi = data.get("min_age"), data.get("max_age")
        if lo is not None and hi is not None and lo > hi:
            raise ValidationError("min_age must not be above max_age.", "max_age")


class LimitSchema(Schema):
    count = Int(required=True, validate=validate.Range(min=1, max=100))
    period_days = Int(required=True, validate=validate.Range(min=1, max=3650))


class SessionSchema(Schema):
    id = Id()  # in a PATCH: an existing session; without it, a new one
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True, metadata={"description": "After starts_at."})
    capacity = Int(required=True, validate=validate.Range(min=1, max=100_000))

    @validates_schema
    def _order(self, data, **_):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("ends_at must be after starts_at.", "ends_at")


@always_sent
class SessionOutSchema(Schema):
    id = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = fields.Integer()


def _category_list(**kw):
    return fields.List(fields.String(validate=one_of(NEED_CATEGORIES)),
                       validate=validate.Length(min=1, max=len(NEED_CATEGORIES)), **kw)


class OfferCreateSchema(Schema):
    union_id = Id(required=True)
    kind = fields.String(required=True, validate=one_of(OFFER_KINDS))
    title = Text(200, required=True)
    description = Text(5000, optional=True, load_default="")
    categories = _category_list(load_default=None)
    district = fields.String(required=True, validate=one_of(DISTRICTS))
    address = Text(300, optional=True, load_default="")
    eligibility = fields.Nested(EligibilitySchema, load_default=lambda: EligibilitySchema().load({}))
    per_worker_limit = fields.Nested(LimitSchema, load_default=None, allow_none=True)
    waitlist = Bool(load_default=True)
    allocation = fields.Nested(AllocationSchema, load_default=None)
    sessions = fields.List(fields.Nested(SessionSchema), load_default=list, validate=validate.Length(max=200))

    @validates_schema
    def _no_session_ids(self, data, **_):
        if any("id" in s for s in data.get("sessions") or []):
            raise ValidationError("New offers take sessions without ids.", "sessions")


class OfferPatchSchema(Schema):
    union_id = Id()
    kind = fields.String(validate=one_of(OFFER_KINDS))
    title = Text(200)
    description = Text(5000, optional=True)
    categories = _category_list()
    district = fields.String(validate=one_of(DISTRICTS))
    address = Text(300, optional=True)
    eligibility = fields.Nested(EligibilitySchema)
    per_worker_limit = fields.Nested(LimitSchema, allow_none=True)
    waitlist = Bool()
    allocation = fields.Nested(AllocationSchema)
    sessions = fields.List(fields.Nested(SessionSchema), validate=validate.Length(max=200))


@always_sent
class OfferSchema(Schema):
    id = fields.String()
    union_id = fields.String()
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    categories = fields.List(fields.String())
    district = fields.String()
    address = fields.String()
    eligibility = fields.Nested(EligibilitySchema)
    per_worker_limit = fields.Nested(LimitSchema, allow_none=True)
    waitlist = fields.Boolean()
    allocation = fields.Nested(AllocationOutSchema, attribute="allocation_view")
    status = fields.String()
    sessions = fields.List(fields.Nested(SessionOutSchema))
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    published_at = LocalDateTime(allow_none=True)


class OfferQuery(PageArgs):
    status = fields.String(validate=one_of(OFFER_STATUSES))
    kind = fields.String(validate=one_of(OFFER_KINDS))
    category = fields.String(validate=one_of(NEED_CATEGORIES))
    district = fields.String(validate=one_of(DISTRICTS))
    union_id = Id()
    q = Text(100)
