"""What the staff pages of the loop share: filters read from the query string, due dates, file downloads."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, request

from . import client, labels
from .staff_exports import FORMATS, content_disposition

DEFAULT_DUE_DAYS = 14
PROBLEM_STATUSES = ("open", "assigned", "responded")


def pick(name: str, allowed) -> str:
    """A query value if it is one of `allowed`, else ""."""
    value = request.args.get(name, "")
    return value if value in allowed else ""


def need_filters(unions: dict) -> dict:
    return {"status": request.args.get("status", "open") if request.args.get("status", "open") in
            (*labels.NEED_STATUSES, "") else "open",
            "category": pick("category", labels.NEED_CATEGORIES), "district": pick("district", labels.DISTRICTS),
            "worker_category": pick("worker_category", labels.WORKER_CATEGORIES),
            "assigned_union_id": pick("assigned_union_id", unions),
            "overdue": "true" if request.args.get("overdue") == "true" else ""}


def problem_filters(unions: dict) -> dict:
    return {"category": pick("category", labels.NEED_CATEGORIES), "district": pick("district", labels.DISTRICTS),
            "worker_category": pick("worker_category", labels.WORKER_CATEGORIES),
            "union_id": pick("union_id", unions), "taken": pick("taken", ("true", "false")),
            "overdue": "true" if request.args.get("overdue") == "true" else ""}


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def default_due() -> str:
    return (date.today() + timedelta(days=DEFAULT_DUE_DAYS)).isoformat()


def relay_download(path: str, params: dict, name: str) -> Response:
    """The API's CSV or Excel export of `path`, handed on with a Chinese file name."""
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(400)
    body, content_type = client.download(path, {**{k: v for k, v in params.items() if v}, "format": fmt})
    filename = f"{name}-{date.today():%Y%m%d}.{fmt}"
    return Response(body, mimetype=content_type.split(";")[0],
                    headers={"Content-Disposition": content_disposition(filename)})
