"""flask-smorest base classes: Api, Blueprint, a strict Schema, pagination.

The OpenAPI document says what the server does, once for every service:
- every error response is application/problem+json with the Problem schema;
- an operation behind `shared.auth.authenticated` declares the bearer security
  and its 401/403; one with path ids its 404; one with a body its 400/413/415;
- a body taken as a stream (`accepts` below, e.g. text/csv) is documented
  with its media types;
- path variables are ids (`shared.fields.IdConverter`), documented with their pattern;
- Swagger UI is served from the pinned swagger-ui-bundle package under the service's prefix.
"""
from __future__ import annotations

import http
from copy import deepcopy
from datetime import datetime

import flask_smorest
import marshmallow as ma
from flask import send_from_directory
from flask_smorest.utils import deepupdate
from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from swagger_ui_bundle import swagger_ui_path

from .auth import authenticated
from .errors import PROBLEM_MIMETYPE, render_http_exception
from .fields import ID_PATTERN, Bool, Id, IdConverter, Int, Text, id_schema  # noqa: F401 (the schemas' one import)
from .timeutil import to_local

MAX_BODY = 1024 * 1024  # 1 MiB: a request body, unless the view `accepts` a stream of its own limit

MAX_PER_PAGE = 100
BEARER = [{"bearer": []}]
OPTIONAL_BEARER = [{}, {"bearer": []}]  # public, but a token shows more (e.g. staff see drafts)
_AUTH_WRAPPER = authenticated()(lambda: None).__code__  # the code every `authenticated` wrapper runs


class ProblemSchema(ma.Schema):
    """application/problem+json, as every error is sent (shared/errors.py)."""

    type = fields.String(required=True, metadata={"description": "The error's slug, e.g. not-found, full."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Validation only: messages per field (a.0.b for nested)."})

    class Meta:
        unknown = ma.INCLUDE  # some errors add fields, e.g. failed_rules (not-eligible), checks (readyz)


class Api(flask_smorest.Api):
    """Every HTTP error, including webargs' 422, comes out as problem+json, and is documented so."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app, *args, **kwargs):
        app.url_map.converters["default"] = IdConverter  # before any rule is added
        app.url_map.converters["id"] = IdConverter
        self.register_converter(IdConverter, lambda _converter: id_schema())
        super().init_app(app, *args, **kwargs)
        _serve_swagger_ui(app)

    def handle_http_exception(self, error):
        return render_http_exception(error)

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_nullable_nested)

    def _register_responses(self):
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, _problem_response(status.phrase), lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, _problem_response("Any other error"),
                                      lazy=True)


def _nullable_nested(self, field, ret, **_kwargs) -> dict:
    """A nullable Nested field is that schema or null: apispec's OpenAPI 3.0 form also lets any object through."""
    anything = {"type": "object", "nullable": True}
    if anything in ret.get("anyOf", ()):
        rest = [s for s in ret.pop("anyOf") if s != anything]
        return {"allOf": rest, "nullable": True}
    return {}


def _problem_response(description: str) -> dict:
    return {"description": description,
            "content": {PROBLEM_MIMETYPE: {"schema": ProblemSchema}}}


def problems(**by_status: str) -> dict:
    """Error responses with what they mean here, for blp.doc(responses=...): problems(_409="full, not-open")."""
    return {status.lstrip("_"): {"description": meaning,
                                 "content": {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for status, meaning in by_status.items()}


def _serve_swagger_ui(app) -> None:
    """Serve Swagger UI's files from swagger-ui-bundle at OPENAPI_SWAGGER_UI_URL when it is a local path."""
    url = app.config.get("OPENAPI_SWAGGER_UI_URL") or ""
    if not url.startswith("/"):
        return

    def swagger_ui_asset(filename):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    app.add_url_rule(f"{url.rstrip('/')}/<path:filename>", "swagger_ui_asset", swagger_ui_asset)


class Blueprint(flask_smorest.Blueprint):
    def arguments(self, schema, *args, **kwargs):
        """As flask-smorest's, but a schema class becomes one instance per view, not one per request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def route(self, rule, *, parameters=None, tags=None, **options):
        """As flask-smorest's, and each operation's errors and security are documented from what it does."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)
        has_path_ids = "<" in rule

        def decorate(view):
            if isinstance(view, type):
                for method in view.methods or ():
                    fn = getattr(view, method.lower(), None)
                    if fn is not None:
                        _document_errors(fn, method, has_path_ids)
            else:
                for method in options.get("methods", ("GET",)):
                    _document_errors(view, method, has_path_ids)
            return register(view)

        return decorate


def _takes_token(fn) -> bool:
    while fn is not None:
        if getattr(fn, "__code__", None) is _AUTH_WRAPPER:
            return True
        fn = getattr(fn, "__wrapped__", None)
    return False


def _document_errors(fn, method: str, has_path_ids: bool) -> None:
    apidoc = deepcopy(getattr(fn, "_apidoc", {}))
    responses: dict = {}
    doc: dict = {"responses": responses}
    if method in ("POST", "PUT", "PATCH"):
        responses.update({"400": "BAD_REQUEST", "413": "REQUEST_ENTITY_TOO_LARGE",
                          "415": "UNSUPPORTED_MEDIA_TYPE"})
    if _takes_token(fn):
        doc["security"] = BEARER
        responses.update({"401": "UNAUTHORIZED", "403": "FORBIDDEN"})
    if has_path_ids:
        responses["404"] = "NOT_FOUND"
    streamed = getattr(fn, "_accepts", None)
    if streamed:
        mimetypes, max_bytes = streamed
        doc["requestBody"] = {"required": True, "description": f"Up to {max_bytes // (1024 * 1024)} MiB.",
                              "content": {m: {"schema": {"type": "string"}} for m in mimetypes}}
    apidoc["manual_doc"] = deepupdate(doc, apidoc.get("manual_doc", {}))
    fn._apidoc = apidoc


class Schema(ma.Schema):
    """Base schema: unknown fields are an error (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


def always_sent(schema_cls: type[ma.Schema]) -> type[ma.Schema]:
    """For answer bodies: every field is in every answer (null where nullable), and the document says so."""
    for field in schema_cls._declared_fields.values():
        field.required = True
    return schema_cls


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset in (years 2000 to 2100); shown in Asia/Shanghai (+08:00) out."""

    default_error_messages = {"invalid_awareness": "Give the time with its offset, e.g. 2026-12-01T09:00:00+08:00.",
                              "out_of_range": "Give a time between the years 2000 and 2100."}

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 2100:
            raise self.make_error("out_of_range")
        return moment

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return super()._serialize(to_local(value), attr, obj, **kwargs)


def one_of(values) -> validate.OneOf:
    values = list(values)
    return validate.OneOf(values, error=f"Must be one of: {', '.join(values)}.")


class PageArgs(Schema):
    """Query strings: numbers arrive as text, so these are the usual (parsing) integers."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list body of API.md: {"items", "total", "page", "per_page"}."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (ma.Schema,), {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        })
    return _page_schemas[item_schema]


def paginate(session: Session, stmt, page: int, per_page: int) -> dict:
    """Run a select for one page; total counts the whole (unpaged) result."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def paginate_list(items: list, page: int, per_page: int) -> dict:
    """One page of a list already computed in full (and sorted); total counts the whole list."""
    return {"items": items[(page - 1) * per_page: page * per_page], "total": len(items), "page": page,
            "per_page": per_page}


def accepts(*mimetypes: str, max_bytes: int = MAX_BODY):
    """Mark a view as taking a non-JSON body (e.g. text/csv), read as a stream up to max_bytes."""

    def mark(fn):
        fn._accepts = (mimetypes, max_bytes)
        return fn

    return mark
