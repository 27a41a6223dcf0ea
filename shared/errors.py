"""Domain errors and their one rendering, application/problem+json; and every other exception a request
may end in (HTTP, database) mapped to it here, registered on each app by register()."""
from __future__ import annotations

import json
import logging
import uuid

from flask import Flask, Response, g, has_request_context
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
http_log = logging.getLogger("unionhub.http")  # the database's refusals, next to the request lines

PROBLEM_MIMETYPE = "application/problem+json"

# Slugs for plain HTTP errors raised by Flask/Werkzeug (routing, body limits, ...).
HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Validation failed"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


class DomainError(Exception):
    """An error a client can act on. Rendered as problem+json by one handler."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, slug: str | None = None, title: str | None = None,
                 errors: dict | None = None, headers: dict | None = None, status: int | None = None,
                 extra: dict | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if slug:
            self.slug = slug
        if title:
            self.title = title
        if status:
            self.status = status
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(DomainError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    """409; give the contract's slug (full, already-booked, invalid-state, ...)."""

    status, slug, title = 409, "conflict", "Conflict"


class Unprocessable(DomainError):
    """422 with a slug of its own (not-eligible, profile-required)."""

    status, slug, title = 422, "unprocessable", "Cannot process this request"


class ValidationFailed(DomainError):
    """422 validation-error with per-field messages."""

    status, slug, title = 422, "validation-error", "Validation failed"

    def __init__(self, errors: dict, detail: str = "Some fields are not valid."):
        super().__init__(detail, errors=errors)


class RateLimited(DomainError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class Unavailable(DomainError):
    status, slug, title = 503, "unavailable", "Service unavailable"


def problem(status: int, slug: str, title: str, detail: str, errors: dict | None = None,
            headers: dict | None = None, extra: dict | None = None) -> Response:
    body = {"type": slug, "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        resp.headers[key] = str(value)
    return resp


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"a.0.b": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            if key == "_schema":
                name = prefix or "_schema"
            for k, v in flatten_errors(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = list(messages)
        else:
            for m in messages:
                for k, v in flatten_errors(m, prefix).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def render_domain_error(exc: DomainError) -> Response:
    return problem(exc.status, exc.slug, exc.title, exc.detail, exc.errors, exc.headers, exc.extra)


def render_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 500:  # werkzeug's InternalServerError: what went wrong is the original exception
        return render_unexpected(getattr(exc, "original_exception", None) or exc)
    slug, title = HTTP_SLUGS.get(status, ("http-error", exc.name))
    detail = exc.description or title
    errors = None
    data = getattr(exc, "data", None) or {}
    if status == 422 and "messages" in data:
        # webargs: {"messages": {"json": {...}}} or {"query": {...}}
        merged: dict = {}
        for location_messages in data["messages"].values():
            merged.update(flatten_errors(location_messages))
        errors = merged
        detail = "Some fields are not valid."
    elif status == 404:
        detail = "Nothing here: the path is unknown, or you may not see it."
    elif status == 405:
        detail = f"This path does not accept that method. {exc.description or ''}".strip()
    elif status == 413:
        detail = "The request body is over the 1 MiB limit."
    headers = {}
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return problem(status, slug, title, detail, errors, headers)


def request_id() -> str | None:
    """This request's id (the one in X-Request-Id and in its log lines), made now if none was yet."""
    if not has_request_context():
        return None
    return g.setdefault("request_id", uuid.uuid4().hex[:16])


def render_unexpected(exc: BaseException) -> Response:
    rid = request_id()
    log.error("unhandled error rid=%s: %s: %s", rid or "-", type(exc).__name__, exc,
              exc_info=(type(exc), exc, exc.__traceback__))
    return problem(500, "internal-error", "Internal server error",
                   f"Something went wrong on our side; it has been logged under request id {rid}.",
                   headers={"X-Request-Id": rid} if rid else None, extra={"request_id": rid} if rid else None)


def render_database_unavailable(exc: OperationalError) -> Response:
    http_log.error("database error: %s", exc)
    return problem(503, "unavailable", "Service unavailable",
                   "The database is busy or unreachable; try again shortly.", headers={"Retry-After": 1})


def render_refused_by_database(exc: Exception) -> Response:
    """A value the database will not store (too long, out of range, not valid text): the client's 400."""
    http_log.warning("value refused by the database: %s", type(getattr(exc, "orig", exc)).__name__)
    return problem(400, "bad-request", "Bad request",
                   "A value in the request cannot be stored: too long, out of range or not valid text.")


def render_statement_error(exc: StatementError) -> Response:
    if isinstance(exc.orig, (UnicodeError, OverflowError, ValueError)):
        return render_refused_by_database(exc)  # a value the driver could not even send
    return render_unexpected(exc)


def render_commit_error(exc: DBAPIError) -> Response:
    """The request's commit failed (the session is rolled back): a constraint is 409, a value 400, else 503."""
    if isinstance(exc, IntegrityError):
        http_log.warning("commit refused by a constraint: %s", exc.orig)
        return problem(409, "conflict", "Conflict", "The change clashes with another one; nothing was saved.")
    if isinstance(exc, DataError):
        return render_refused_by_database(exc)
    http_log.error("commit failed: %s", exc)
    return problem(503, "unavailable", "Service unavailable",
                   "The change could not be saved; nothing was saved. Try again.", headers={"Retry-After": 1})


def register(app: Flask) -> None:
    """Every error a view may end in, as problem+json."""
    app.register_error_handler(DomainError, render_domain_error)
    app.register_error_handler(HTTPException, render_http_exception)
    app.register_error_handler(OperationalError, render_database_unavailable)
    app.register_error_handler(DataError, render_refused_by_database)
    app.register_error_handler(StatementError, render_statement_error)
    app.register_error_handler(OverflowError, render_refused_by_database)  # sqlite3: an integer over 64 bits
    app.register_error_handler(Exception, render_unexpected)
