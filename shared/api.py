"""flask-smorest base classes: Api, Blueprint, a strict Schema, pagination."""
from __future__ import annotations

from datetime import datetime

import flask_smorest
import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import render_http_exception
from .timeutil import to_local

MAX_PER_PAGE = 100


class Api(flask_smorest.Api):
    """Every HTTP error, including webargs' 422, comes out as problem+json."""

    def handle_http_exception(self, error):
        return render_http_exception(error)


class Blueprint(flask_smorest.Blueprint):
    def arguments(self, schema, *args, **kwargs):
        """As flask-smorest's, but a schema class becomes one instance per view, not one per request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class Schema(ma.Schema):
    """Base schema: unknown fields are an error (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset in; shown in Asia/Shanghai (+08:00) out."""

    default_error_messages = {"invalid_awareness": "Give the time with its offset, e.g. 2026-12-01T09:00:00+08:00."}

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return super()._serialize(to_local(value), attr, obj, **kwargs)


def one_of(values) -> validate.OneOf:
    values = list(values)
    return validate.OneOf(values, error=f"Must be one of: {', '.join(values)}.")


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list body of API.md: {"items", "total", "page", "per_page"}."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (ma.Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        })
    return _page_schemas[item_schema]


def paginate(session: Session, stmt, page: int, per_page: int) -> dict:
    """Run a select for one page; total counts the whole (unpaged) result."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
