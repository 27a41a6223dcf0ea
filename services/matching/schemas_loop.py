"""Bodies of the loop: need steps, history, problem items, reports."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api import Bool, Id, LocalDateTime, PageArgs, Schema, Text, always_sent, one_of
from shared.vocab import DISTRICTS, NEED_CATEGORIES, WORKER_CATEGORIES

from .needstates import ALL_OUTCOMES, NOT_SATISFIED, OUTCOMES, SATISFIED, STATUSES

FORMATS = ("json", "csv", "xlsx")  # ?format=: the answer as JSON, or the rows as a file (exports.py)


class Day(fields.Date):
    """YYYY-MM-DD, in the years 2000 to 2100."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        day = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= day.year <= 2100:
            raise ValidationError("Give a date between the years 2000 and 2100.")
        return day


class AssignSchema(Schema):
    union_id = Id(required=True)
    assignee = Id(load_default=None, allow_none=True, metadata={"description": "A staff member's id, or null."})
    due_date = Day(required=True)
    note = Text(1000, optional=True, load_default=None, allow_none=True)


class NeedFilterSchema(Schema):
    category = fields.String(validate=one_of(NEED_CATEGORIES))
    district = fields.String(validate=one_of(DISTRICTS))
    worker_category = fields.String(validate=one_of(WORKER_CATEGORIES))
    assigned_union_id = Id()
    status = fields.String(load_default="open", validate=one_of(("open", "assigned")))


class BulkAssignSchema(AssignSchema):
    ids = fields.List(Id(), validate=validate.Length(min=1, max=1000),
                      metadata={"description": "The needs to assign; or give `filters`."})
    filters = fields.Nested(NeedFilterSchema, metadata={"description": "Assign the needs these find; or give `ids`."})

    @validates_schema
    def _one_way(self, data, **_):
        if ("ids" in data) == ("filters" in data):
            raise ValidationError("Give either ids or filters.", "ids")


@always_sent
class BulkAssignResultSchema(Schema):
    assigned = fields.Integer()
    skipped = fields.List(fields.String(), metadata={"description": "Ids given that could not be assigned."})
    remaining = fields.Integer(metadata={"description": "With filters: needs found beyond this request's 5,000."})


class RespondSchema(Schema):
    text = Text(2000, required=True)
    offer_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=20))


class ResolveSchema(Schema):
    outcome = fields.String(required=True, validate=one_of(OUTCOMES))
    note = Text(2000, optional=True, load_default=None, allow_none=True)
    referred_to = Text(200, optional=True, load_default=None, allow_none=True,
                       metadata={"description": "The body the need was referred to (outcome referred only)."})


class FeedbackSchema(Schema):
    satisfied = Bool(required=True)
    comment = Text(1000, optional=True, load_default="")


class MergeSchema(Schema):
    into = Id(required=True, metadata={"description": "The need (the same worker's) this one duplicates."})


@always_sent
class HistoryItemSchema(Schema):
    at = LocalDateTime()
    by = fields.String(allow_none=True, metadata={"description": "Who: a worker's or staff id; null: the system."})
    by_role = fields.String(allow_none=True)
    action = fields.String()
    from_ = fields.String(data_key="from", allow_none=True)
    to = fields.String(allow_none=True)
    union_id = fields.String(allow_none=True, metadata={"description": "The owner union after the step."})
    note = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)


@always_sent
class NeedHistorySchema(Schema):
    need_id = fields.String()
    items = fields.List(fields.Nested(HistoryItemSchema))


@always_sent
class ProblemHistorySchema(Schema):
    problem_id = fields.String()
    items = fields.List(fields.Nested(HistoryItemSchema))


class ProblemQuery(PageArgs):
    category = fields.String(validate=one_of(NEED_CATEGORIES))
    district = fields.String(validate=one_of(DISTRICTS))
    worker_category = fields.String(validate=one_of(WORKER_CATEGORIES))
    union_id = Id(metadata={"description": "Items this union owns."})
    taken = fields.Boolean(metadata={"description": "true: items a union owns; false: items nobody owns."})
    overdue = fields.Boolean(metadata={"description": "true: the item or some of its needs are past due."})
    format = fields.String(validate=one_of(FORMATS))


@always_sent
class ProblemItemSchema(Schema):
    id = fields.String(metadata={"description": "<category>.<district>.<worker category> (none: no profile)."})
    category = fields.String()
    district = fields.String(allow_none=True)
    worker_category = fields.String(allow_none=True)
    needs = fields.Integer(metadata={"description": "Unresolved needs (open, assigned, responded) you reach."})
    open = fields.Integer()
    assigned = fields.Integer()
    responded = fields.Integer()
    overdue_needs = fields.Integer()
    workers = fields.Integer()
    oldest_at = LocalDateTime()
    union_id = fields.String(allow_none=True, metadata={"description": "The union that took the item on."})
    assignee = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    taken_at = LocalDateTime(allow_none=True)


@always_sent
class ProblemItemTakenSchema(ProblemItemSchema):
    needs_assigned = fields.Integer()


class TakeSchema(AssignSchema):
    assign_needs = Bool(load_default=True, metadata={"description": "Assign the item's open needs too."})


class ReportQuery(Schema):
    union_id = Id()
    from_ = Day(data_key="from")
    to = Day()
    format = fields.String(validate=one_of(FORMATS))


class SatisfactionQuery(ReportQuery, PageArgs):
    satisfaction = fields.String(validate=one_of((SATISFIED, NOT_SATISFIED)))


@always_sent
class NeedsReportSchema(Schema):
    union_id = fields.String(allow_none=True)
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    received = fields.Integer()
    assigned = fields.Integer()
    responded = fields.Integer()
    by_status = fields.Dict(keys=fields.String(validate=one_of(STATUSES)), values=fields.Integer())
    by_outcome = fields.Dict(keys=fields.String(validate=one_of(ALL_OUTCOMES)), values=fields.Integer())
    median_hours_to_response = fields.Float(allow_none=True)
    median_hours_to_resolution = fields.Float(allow_none=True)
    resolved_within_30_days = fields.Float(allow_none=True, metadata={"description": "A share, 0 to 1."})
    satisfied = fields.Integer()
    not_satisfied = fields.Integer()


@always_sent
class SatisfactionItemSchema(Schema):
    need_id = fields.String()
    worker_id = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    worker_category = fields.String(allow_none=True)
    text = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    assigned_union_id = fields.String(allow_none=True)
    resolved_at = LocalDateTime(allow_none=True)
    satisfaction = fields.String()
    feedback_comment = fields.String(allow_none=True)
    feedback_at = LocalDateTime(allow_none=True)
