"""The one client of the services' HTTP API: every page reads and writes through here.

Production: `WEB_API_URL` (the gateway). All-in-one and tests: an in-process
`httpx.WSGITransport` over the prefix dispatcher, so the same code path runs
without a socket. The signed-in person's token goes with every call.
"""
from __future__ import annotations

import logging
import uuid

import httpx
from flask import current_app, g, request, session

log = logging.getLogger("unionhub.web.client")

IN_PROCESS_BASE = "http://unionhub.internal"


class ApiError(Exception):
    """The API answered with an error (problem+json)."""

    def __init__(self, status: int, slug: str, detail: str = "", errors: dict | None = None,
                 retry_after: int | None = None, body: dict | None = None):
        super().__init__(f"{status} {slug}: {detail}")
        self.status, self.slug, self.detail = status, slug, detail
        self.errors = errors or {}
        self.retry_after = retry_after
        self.body = body or {}


class ApiUnavailable(Exception):
    """The API could not be reached, or said it is unavailable (502, 503, 504)."""


class Api:
    def __init__(self, base_url: str | None, transport: httpx.BaseTransport | None = None, timeout: float = 10.0,
                 by_prefix: dict | None = None):
        self._base = base_url or IN_PROCESS_BASE
        self._by_prefix = by_prefix or {}  # no gateway: each service at its own address
        self._http = httpx.Client(transport=transport, timeout=timeout)

    def url(self, path: str) -> str:
        prefix = path.lstrip("/").split("/", 1)[0]
        return self._by_prefix.get(prefix, self._base) + path

    def request(self, method: str, path: str, *, token: str | None = None, json: dict | None = None,
                params: dict | None = None, headers: dict | None = None, content: bytes | None = None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            resp = self._http.request(method, self.url(path), json=json, params=params, headers=headers,
                                      content=content)
        except httpx.HTTPError as exc:
            log.error("API %s %s unreachable: %s", method, path.split("?")[0], type(exc).__name__)
            raise ApiUnavailable(str(exc)) from None
        if resp.status_code in (502, 503, 504):
            raise ApiUnavailable(f"{resp.status_code} from {path}")
        if resp.status_code >= 400:
            raise _error(resp)
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def close(self) -> None:
        self._http.close()


def _error(resp: httpx.Response) -> ApiError:
    try:
        body = resp.json()
        if not isinstance(body, dict):
            body = {}
    except ValueError:
        body = {}
    retry = resp.headers.get("Retry-After")
    return ApiError(resp.status_code, str(body.get("type") or "error"), str(body.get("detail") or ""),
                    body.get("errors") if isinstance(body.get("errors"), dict) else None,
                    int(retry) if retry and retry.isdigit() else None, body)


def current_token() -> str | None:
    """The signed-in person's token, as the browser session (auth.py) holds it."""
    return session.get("token")


def call(method: str, path: str, *, json: dict | None = None, params: dict | None = None,
         token: str | None = None, anonymous: bool = False, headers: dict | None = None,
         content: bytes | None = None):
    """Call the API as the signed-in person (or anonymously), from inside a web request."""
    api: Api = current_app.extensions["web.api"]
    extra = {"X-Request-Id": g.get("request_id") or uuid.uuid4().hex[:16],
             "X-Forwarded-For": request.remote_addr or "", **(headers or {})}
    return api.request(method, path, json=json, params=params, headers=extra, content=content,
                       token=None if anonymous else (token or current_token()))


def get(path: str, **kw):
    return call("GET", path, **kw)


def post(path: str, json: dict | None = None, **kw):
    return call("POST", path, json=json if json is not None else {}, **kw)


def put(path: str, json: dict | None = None, **kw):
    return call("PUT", path, json=json, **kw)


def patch(path: str, json: dict | None = None, **kw):
    return call("PATCH", path, json=json if json is not None else {}, **kw)
