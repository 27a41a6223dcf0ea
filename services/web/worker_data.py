"""What the worker pages read from the API, put together for a page (offers, sessions, bookings)."""
from __future__ import annotations

import re

from flask import g

from . import client
from .auth import current_user
from .client import ApiError


def me() -> str:
    return current_user()["id"]


def offer_or_none(offer_id: str) -> dict | None:
    """An offer as this person may see it, None when gone or hidden (404); cached for the request."""
    cache = g.setdefault("_offers", {})
    if offer_id not in cache:
        try:
            cache[offer_id] = client.get(f"/catalog/offers/{offer_id}")
        except ApiError as exc:
            if exc.status != 404:
                raise
            cache[offer_id] = None
    return cache[offer_id]


def session_of(offer: dict | None, session_id: str) -> dict | None:
    for sess in (offer or {}).get("sessions", []):
        if sess["id"] == session_id:
            return sess
    return None


def availability(session_id: str) -> dict | None:
    try:
        return client.get(f"/booking/sessions/{session_id}", anonymous=True)
    except ApiError as exc:
        if exc.status != 404:
            raise
        return None  # booking has not heard of the session yet (events are on their way)


def my_bookings(**filters) -> list[dict]:
    return client.get("/booking/bookings", params={"per_page": 100, **filters})["items"]


def with_offers(bookings: list[dict]) -> list[dict]:
    """Each booking with its offer and session (for titles and times)."""
    out = []
    for booking in bookings:
        offer = offer_or_none(booking["offer_id"])
        out.append({**booking, "offer": offer, "session": session_of(offer, booking["session_id"])})
    return out


def profile_or_none() -> dict | None:
    try:
        return client.get(f"/matching/workers/{me()}")
    except ApiError as exc:
        if exc.status != 404:
            raise
        return None


def parse_years(raw: str) -> list[int] | None:
    """'2018, 2021' (any commas or spaces) -> [2018, 2021]; None when something is not a year."""
    parts = [p for p in re.split(r"[\s,，、;；]+", raw.strip()) if p]
    if not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    return [int(p) for p in parts]
