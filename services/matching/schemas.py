"""Matching request and response bodies."""
from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields, validate, validates

from shared.api import Bool, Id, Int, LocalDateTime, PageArgs, Schema, Text, always_sent, one_of
from shared.timeutil import local_today
from shared.vocab import DISTRICTS, NEED_CATEGORIES, OFFER_KINDS, WORKER_CATEGORIES

from .needstates import STATUSES

SOURCES = ("interview", "online")


class ProfileSchema(Schema):
    worker_id = fields.String(dump_only=True)
    birth_date = fields.Date(required=True)
    district = fields.String(required=True, validate=one_of(DISTRICTS))
    worker_category = fields.String(required=True, validate=one_of(WORKER_CATEGORIES))
    union_member = Bool(load_default=False)
    employer = Text(200, optional=True, load_default="")
    children_birth_years = fields.List(Int(), load_default=list, validate=validate.Length(max=10))
    union_id = Id(load_default=None, allow_none=True)
    created_at = LocalDateTime(dump_only=True)
    updated_at = LocalDateTime(dump_only=True)

    @validates("birth_date")
    def _birth(self, value: date, **_):
        today = local_today()
        if value > today:
            raise ValidationError("The birth date is in the future.")
        if not 14 <= (today.year - value.year) <= 100:
            raise ValidationError("The birth date gives an age outside 14 to 100.")

    @validates("children_birth_years")
    def _children(self, value, **_):
        this_year = local_today().year
        if any(not this_year - 60 <= y <= this_year for y in value):
            raise ValidationError(f"Each year must be between {this_year - 60} and {this_year}.")


class NeedCreateSchema(Schema):
    worker_id = Id(required=True)
    text = Text(1000, required=True)
    category = fields.String(load_default=None, allow_none=True, validate=one_of(NEED_CATEGORIES))
    source = fields.String(load_default=None, validate=one_of(SOURCES))
    interview_point = Text(200, optional=True, load_default=None, allow_none=True)


@always_sent
class NeedSchema(Schema):
    id = fields.String()
    worker_id = fields.String()
    text = fields.String()
    category = fields.String()
    category_source = fields.String()
    status = fields.String()
    source = fields.String()
    interview_point = fields.String(allow_none=True)
    created_at = LocalDateTime()
    # The loop (needlife.py): the owner, the answer, the outcome, the worker's word.
    assigned_union_id = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    response = fields.String(allow_none=True)
    offer_ids = fields.List(fields.String(), attribute="offer_list", metadata={"description": "Offers named in the response."})
    outcome = fields.String(allow_none=True)
    referred_to = fields.String(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    feedback_comment = fields.String(allow_none=True)
    feedback_due = fields.Boolean(metadata={"description": "Resolved or fulfilled, and the worker has not answered since."})
    merged_into = fields.String(allow_none=True)
    resolved_at = LocalDateTime(allow_none=True)
    updated_at = LocalDateTime(allow_none=True)


class NeedQuery(PageArgs):
    worker_id = Id()
    category = fields.String(validate=one_of(NEED_CATEGORIES))
    status = fields.String(validate=one_of(STATUSES))
    district = fields.String(validate=one_of(DISTRICTS))
    worker_category = fields.String(validate=one_of(WORKER_CATEGORIES))
    assigned_union_id = Id()
    overdue = fields.Boolean()


class ClassifyInSchema(Schema):
    text = Text(1000, required=True)


@always_sent
class ClassifyOutSchema(Schema):
    category = fields.String()
    scores = fields.Dict(keys=fields.String(), values=fields.Float())


@always_sent
class RejectedRowSchema(Schema):
    line = fields.Integer(metadata={"description": "The header is line 1."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


@always_sent
class ImportResultSchema(Schema):
    imported = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRowSchema))  # the first 1,000 rejected rows
    rejected_total = fields.Integer()


class RecommendationQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


@always_sent
class RecommendationSchema(Schema):
    offer_id = fields.String()
    title = fields.String()
    kind = fields.String()
    score = fields.Float()
    need_ids = fields.List(fields.String())
    reasons = fields.List(fields.String())
    next_session_at = LocalDateTime(allow_none=True)


@always_sent
class RecommendationsSchema(Schema):
    items = fields.List(fields.Nested(RecommendationSchema))


@always_sent
class DemandSchema(Schema):
    offer_id = fields.String()
    title = fields.String()
    kind = fields.String()
    union_id = fields.String()
    status = fields.String()
    matched_workers = fields.Integer()
    by_district = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_worker_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    capacity = fields.Integer()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    applied = fields.Integer(metadata={"description": "Ballots: applications not drawn yet."})
    offered = fields.Integer(metadata={"description": "Ballots: places offered by the draw, not yet accepted."})
    unmet = fields.Integer()


class DemandQuery(PageArgs):
    union_id = Id()
    kind = fields.String(validate=one_of(OFFER_KINDS))
    status = fields.String(load_default="published", validate=one_of(("published", "closed")))


class UnmetQuery(PageArgs):
    district = fields.String(validate=one_of(DISTRICTS))
    category = fields.String(validate=one_of(NEED_CATEGORIES))


@always_sent
class UnmetGroupSchema(Schema):
    category = fields.String()
    district = fields.String(allow_none=True)
    open_needs = fields.Integer()
    workers = fields.Integer()
    sample_texts = fields.List(fields.String())
    reason = fields.String()  # the most common reason in the group
    reason_text = fields.String()
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())  # open needs per reason
