"""The common Flask app factory every service builds on.

It wires: config, the database and the per-request unit of work, problem+json
errors on every path, body checks (413, 415, 400), health and readiness,
OpenAPI under the service's prefix, and one log line per request.
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import Iterable

from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import DBAPIError

from . import edge, errors, ratelimit
from .api import MAX_BODY, Api, Blueprint
from .config import ServiceConfig
from .db import Database, database_of, install_database
from .errors import DomainError, problem
from .events.streams import redis_for

JSON_MIMETYPES = ("application/json",)

log = logging.getLogger("unionhub.http")


def _is_json(mimetype: str) -> bool:
    return mimetype in JSON_MIMETYPES or mimetype.endswith("+json")


def _unsupported(mimetype: str, wanted: str) -> DomainError:
    return DomainError(f"Send the body as {wanted} (got {mimetype or 'no Content-Type'}).",
                       status=415, slug="unsupported-media-type", title="Unsupported media type")


def _check_body() -> None:
    """415 for a body that is not what the view takes; 400 for bad JSON or a non-object."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    special = getattr(method, "_accepts", None)
    mimetype = request.mimetype or ""
    if special:
        mimetypes, max_bytes = special
        if mimetype not in mimetypes:
            raise _unsupported(mimetype, " or ".join(mimetypes))
        request.max_content_length = max_bytes  # the view streams the body itself
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    if not _is_json(mimetype):
        raise _unsupported(mimetype, "application/json")
    edge.parse_json_object(raw)


def _check_input() -> None:
    """400/422 for control characters in the path, the query or a header the apps read."""
    edge.check_path_and_query(request.path, request.args)
    for name in ("Authorization", "Idempotency-Key"):
        edge.check_header(name, request.headers.get(name))


def create_service_app(config: ServiceConfig, *, title: str, blueprints: Iterable[Blueprint],
                       description: str = "") -> Flask:
    app = Flask(f"unionhub.{config.name}")
    prefix = config.prefix
    app.config.update(
        JWT_SECRET=config.jwt_secret,
        MAX_CONTENT_LENGTH=MAX_BODY,
        JSON_SORT_KEYS=False,
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=prefix,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{prefix}/docs/assets/",  # served from swagger-ui-bundle (shared/api.py)
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    app.config["UNIONHUB"] = config

    db = Database(config.database_url)
    install_database(app, db)
    app.extensions["unionhub.redis"] = None  # connected on first use

    api = Api(app)
    for blp in blueprints:
        api.register_blueprint(blp)
    _register_health(app, prefix)
    _register_request_log(app, config.name)  # first: every answer, even a refusal, has its request id
    _register_errors(app)
    _register_unit_of_work(app)
    ratelimit.per_caller(app)
    return app


def _register_health(app: Flask, prefix: str) -> None:
    @app.get(f"{prefix}/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get(f"{prefix}/readyz")
    def readyz():
        checks = {}
        try:
            database_of(app).ping()
            checks["database"] = "ok"
        except Exception as exc:  # any failure means not ready
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            redis_for(app).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        if all(v == "ok" for v in checks.values()):
            return {"status": "ok", "checks": checks}
        return problem(503, "unavailable", "Service unavailable", "A dependency does not answer.",
                       extra={"checks": checks})


def _register_errors(app: Flask) -> None:
    errors.register(app)
    app.before_request(_check_input)
    app.before_request(_check_body)


def _register_unit_of_work(app: Flask) -> None:
    @app.after_request
    def _commit(response: Response):
        session = g.pop("_db_session", None)
        if session is None:
            return response
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        except DBAPIError as exc:
            session.rollback()
            return errors.render_commit_error(exc)
        finally:
            session.close()
        return response

    @app.teardown_request
    def _close(_exc):
        session = g.pop("_db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def _register_request_log(app: Flask, service: str) -> None:
    @app.before_request
    def _start():
        g._t0 = time.perf_counter()
        given = request.headers.get("X-Request-Id")  # the gateway's; anything odd is replaced, not logged
        g.request_id = given if edge.valid_request_id(given) else uuid.uuid4().hex[:16]

    @app.after_request
    def _log(response: Response):
        took = (time.perf_counter() - g.get("_t0", time.perf_counter())) * 1000
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        principal = g.get("_principal")
        who = f"{principal.role}:{principal.sub}" if principal else "anonymous"
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        log.log(level, "%s %s %s -> %s in %.1f ms (%s) rid=%s", service, request.method, request.path,
                 response.status_code, took, who, g.get("request_id", "-"))
        return response
