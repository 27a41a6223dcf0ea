"""What the staff pages read from the API more than once: unions in reach, whole lists."""
from __future__ import annotations

from flask import g

from . import auth, client

MAX_ROWS = 5000  # a list read whole (exports, the union tree) stops here


def all_items(path: str, params: dict | None = None, limit: int = MAX_ROWS) -> list[dict]:
    """Every item of a paged list (100 a page), up to `limit`."""
    items: list[dict] = []
    page = 1
    while len(items) < limit:
        result = client.get(path, params={**(params or {}), "page": page, "per_page": 100})
        items.extend(result["items"])
        if not result["items"] or len(items) >= result.get("total", 0):
            break
        page += 1
    return items[:limit]


def unions() -> list[dict]:
    """All unions (read once per request)."""
    if "staff_unions" not in g:
        g.staff_unions = all_items("/catalog/unions")
    return g.staff_unions


def union_names() -> dict[str, str]:
    return {u["id"]: u["name"] for u in unions()}


def unions_in_reach() -> list[dict]:
    """The signed-in staff member's union and every union below it (admin: all), as a tree order."""
    user = auth.current_user() or {}
    everything = unions()
    children: dict[str | None, list[dict]] = {}
    for union in everything:
        children.setdefault(union.get("parent_id"), []).append(union)
    known = {u["id"] for u in everything}
    if user.get("role") == "admin":
        roots = [u for u in everything if not u.get("parent_id") or u["parent_id"] not in known]
    else:
        roots = [u for u in everything if u["id"] == user.get("union_id")]
    out: list[dict] = []

    def walk(union: dict, depth: int) -> None:
        out.append({**union, "depth": depth})
        for child in sorted(children.get(union["id"], []), key=lambda u: u["name"]):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda u: u["name"]):
        walk(root, 0)
    return out


def union_choices() -> dict[str, str]:
    """{id: indented name} for a select of the unions the staff member acts for."""
    return {u["id"]: "\u3000" * u["depth"] + u["name"] for u in unions_in_reach()}
