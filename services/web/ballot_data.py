"""What the ballot pages read from the API, put together: the draw, its verification, a ballot's reasons."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l

from shared import draw

from . import client, labels
from .client import ApiError

ORDER_ROWS = 500  # the draw page lists this many; the whole order is in the JSON and the CLI checks it all

FACTORS = (  # (the API's factor, what it means, its multiplier's word)
    ("open_need", _l("有这类需求还没解决"), "×2"),
    ("not_served_recently", _l("近期没有参加过同类活动"), "×2"),
    ("priority_category", _l("属于优先照顾的职业"), "×1.5"),
    ("no_shows", _l("一年内报名后未到场（每次）"), "×0.5"),
)


def category_names(codes) -> str:
    """Worker categories (and the group new_employment) as people read them, joined."""
    named = {"new_employment": _l("新就业形态劳动者"), **labels.WORKER_CATEGORIES}
    return "、".join(str(named.get(c, c)) for c in codes or ())


def draw_or_none(session_id: str) -> dict | None:
    """The published draw (public), None until there is one."""
    try:
        return client.get(f"/booking/sessions/{session_id}/draw", anonymous=True)
    except ApiError as exc:
        if exc.status != 404:
            raise
        return None


def verification(doc: dict, offer: dict) -> dict:
    """The same check as `python -m services.cli draw verify`: the seed against the offer's commitment,
    the weights against the factors, the order and the places recomputed."""
    committed = ((offer or {}).get("allocation") or {}).get("seed_sha256")
    details = draw.verify(doc)  # technical lines (English), shown folded under the verdict
    seed_ok = committed is not None and draw.seed_sha256(doc["seed"]) == committed
    return {"ok": seed_ok and not details, "seed_ok": seed_ok, "order_ok": not details, "details": details,
            "committed": committed, "recomputed_sha256": draw.seed_sha256(doc["seed"])}


def reasons(ballot: dict | None) -> list[dict]:
    """A booking's factors as sentences: which apply, and by how much."""
    if not ballot:
        return []
    out = []
    for name, text, word in FACTORS:
        value = ballot["factors"].get(name, 1)
        out.append({"name": name, "text": text, "word": word, "applies": value != 1, "value": value})
    return out


def window_state(availability: dict | None) -> str:
    """before | open | closed | drawn | first_come, from the session's availability."""
    if not availability or availability.get("allocation") != "ballot":
        return "first_come"
    if availability.get("drawn_at"):
        return "drawn"
    now = datetime.now(timezone.utc)
    if now < datetime.fromisoformat(availability["applications_open_at"]):
        return "before"
    if now < datetime.fromisoformat(availability["applications_close_at"]):
        return "open"
    return "closed"
