"""The browser session: who is signed in, their token, its renewal, and who may see a page.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure over TLS).
It holds the token, its lifetime and the user as the accounts service gave them.
"""
from __future__ import annotations

import time
from datetime import datetime
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from . import client
from .client import ApiError, ApiUnavailable, current_token  # noqa: F401 - the session's token

HOMES = {"worker": "worker.home", "staff": "staff.home", "admin": "staff.home"}


def sign_in(answer: dict) -> None:
    """Start a session from the accounts service's session answer."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    _store(answer)


def _store(answer: dict) -> None:
    session["token"] = answer["token"]
    session["iat"] = int(time.time())
    session["exp"] = int(datetime.fromisoformat(answer["expires_at"]).timestamp())
    user = answer["user"]
    session["user"] = {k: user.get(k) for k in ("id", "role", "union_id", "display_name", "username")}


def sign_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_user() -> dict | None:
    return session.get("user") if session.get("token") else None


def load_session() -> None:
    """Before each request: end an expired session, renew one past half its life."""
    token = session.get("token")
    if not token:
        return
    now = time.time()
    iat, exp = session.get("iat", 0), session.get("exp", 0)
    if now >= exp:
        _expire()
        return
    if now < iat + (exp - iat) / 2:
        return
    try:
        _store(client.post("/accounts/sessions/refresh"))
    except ApiError as exc:
        if exc.status == 401:
            _expire()
    except ApiUnavailable:
        pass  # the token is still valid: try again on the next page


def _expire() -> None:
    sign_out()
    g.session_expired = True
    flash(_("登录已过期，请重新登录。"), "warning")


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after sign-in, or None (never another site)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_url(user: dict | None) -> str:
    from flask import current_app

    if not user:
        return url_for("auth.signin")
    endpoint = HOMES.get(user["role"], "auth.account")
    if endpoint not in current_app.view_functions:
        endpoint = "auth.account"
    return url_for(endpoint)


def login_required(*roles: str):
    """Signed in (else to the sign-in page, coming back here after); with roles, one of them (else 403)."""

    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            user = current_user()
            if user is None:
                if not g.get("session_expired"):
                    flash(_("请先登录。"), "info")
                return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
            if roles and user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


worker_required = login_required("worker")
staff_required = login_required("staff", "admin")
