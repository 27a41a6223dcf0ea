"""Route by path prefix to the service apps (what nginx does in production)."""
from __future__ import annotations

import json


class PrefixDispatcher:
    """WSGI app: /catalog/... -> catalog, /matching/... -> matching, /booking/... -> booking.

    The path is passed on unchanged: every app owns its full prefix, so the
    same app works behind this dispatcher and behind the nginx gateway.
    `/api` lists the services; every other path goes to `default` (the web
    pages) when one is given.
    """

    def __init__(self, apps: dict, default=None):
        self.apps = apps
        self.default = default

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        first = path.lstrip("/").split("/", 1)[0]
        app = self.apps.get(first)
        if app is not None:
            return app(environ, start_response)
        if path == "/api" or (path == "/" and self.default is None):
            body = {"services": {name: {"docs": f"/{name}/docs", "openapi": f"/{name}/openapi.json",
                                        "health": f"/{name}/healthz"} for name in self.apps}}
            return _json(start_response, "200 OK", body, "application/json")
        if self.default is not None:
            return self.default(environ, start_response)
        body = {"type": "not-found", "title": "Not found", "status": 404,
                "detail": f"No service answers at {path}; paths start with "
                          + ", ".join(f"/{n}" for n in self.apps) + "."}
        return _json(start_response, "404 NOT FOUND", body, "application/problem+json")


def _json(start_response, status, body, mimetype):
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", f"{mimetype}; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]
