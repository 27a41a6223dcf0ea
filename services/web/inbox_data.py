"""What the inbox pages read from `/notify`, for workers and staff alike: a page of the inbox,
the unread count in the navigation bar, marking read, and where a notification leads."""
from __future__ import annotations

from flask import g, request

from . import auth, client
from .client import ApiError, ApiUnavailable

PER_PAGE = 20


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def inbox_page(unread_only: bool) -> dict:
    params = {"page": page_number(), "per_page": PER_PAGE}
    if unread_only:
        params["unread"] = "true"
    return client.get("/notify/inbox", params=params)


def unread_count() -> int | None:
    """For the navigation bar: how many are unread (None when it cannot be told; the page still works)."""
    if "unread_count" not in g:
        g.unread_count = None
        if auth.current_user() is not None:
            try:
                g.unread_count = client.get("/notify/inbox", params={"unread": "true", "per_page": 1})["total"]
            except (ApiError, ApiUnavailable):
                pass
    return g.unread_count


def safe_link(link: str | None) -> str | None:
    """A notification's link, when it is a page of this site."""
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    return link


def mark_read(notification_id: str) -> dict:
    return client.post(f"/notify/inbox/{notification_id}/read")
