"""The offer form's allocation: first come, or a ballot with its window, hours to accept, priority and quotas.

The form gives each quota one worker category (or group) and/or one district and a share in
percent (the API takes lists); up to QUOTA_ROWS quotas.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _

from .form_times import input_time, local_time

QUOTA_ROWS = 3
BALLOT_INTS = {"accept_within_hours": 48, "period_days": 365}


def _int(form, name: str, errors: dict) -> int | None:
    raw = (form.get(name) or "").strip()
    if raw == "":
        return None
    if not re.fullmatch(r"\d{1,6}", raw):
        errors[name] = _("请填写整数。")
        return None
    return int(raw)


def allocation_body(form, errors: dict) -> dict:
    """{"mode": "first_come"}, or the ballot as the API takes it (errors found here go in `errors`)."""
    if form.get("allocation_mode") != "ballot":
        return {"mode": "first_come"}
    body = {"mode": "ballot"}
    for name in ("applications_open_at", "applications_close_at"):
        body[name] = local_time(form.get(name, ""))
        if body[name] is None:
            errors[name] = _("请选择日期和时间。")
    for name, default in BALLOT_INTS.items():
        value = _int(form, name, errors)
        body[name] = default if value is None else value
    body["priority_worker_categories"] = [c for c in form.getlist("priority_worker_categories") if c]
    quotas = []
    for i in range(QUOTA_ROWS):
        category, district = form.get(f"quota_{i}_category") or "", form.get(f"quota_{i}_district") or ""
        percent = _int(form, f"quota_{i}_share", errors)
        if not (category or district or percent):
            continue
        if percent is None or not 0 < percent <= 100:
            errors.setdefault(f"quota_{i}_share", _("请填写 1 到 100 之间的百分比。"))
        if not (category or district):
            errors[f"quota_{i}_category"] = _("请选职业或地区（可以都选）。")
        quotas.append({"worker_categories": [category] if category else [], "districts": [district] if district else [],
                       "share": (percent or 0) / 100})
    body["quotas"] = quotas
    return body


def allocation_field(parts: list[str]) -> str | None:
    """The form's field for an API error path under allocation (allocation.quotas.0.share -> quota_0_share)."""
    if not parts or parts[0] != "allocation":
        return None
    if len(parts) == 1:
        return "allocation_mode"
    if parts[1] == "quotas" and len(parts) >= 4 and parts[2].isdigit():
        leaf = {"share": "share", "worker_categories": "category", "districts": "district"}.get(parts[3], "share")
        return f"quota_{parts[2]}_{leaf}"
    if parts[1] == "mode":
        return "allocation_mode"
    return parts[1]


def allocation_values(offer: dict | None = None, form=None) -> dict:
    """What the form shows: the submitted form, else the offer's allocation, else first come."""
    if form is not None:
        values = {"allocation_mode": form.get("allocation_mode") or "first_come",
                  "priority_worker_categories": form.getlist("priority_worker_categories")}
        for name in ("applications_open_at", "applications_close_at", *BALLOT_INTS):
            values[name] = form.get(name, "")
        for i in range(QUOTA_ROWS):
            for leaf in ("category", "district", "share"):
                values[f"quota_{i}_{leaf}"] = form.get(f"quota_{i}_{leaf}", "")
        return values
    a = (offer or {}).get("allocation") or {"mode": "first_come"}
    values = {"allocation_mode": a["mode"], "priority_worker_categories": a.get("priority_worker_categories") or [],
              "applications_open_at": input_time(a.get("applications_open_at")),
              "applications_close_at": input_time(a.get("applications_close_at")),
              **{name: a.get(name) or default for name, default in BALLOT_INTS.items()}}
    for i in range(QUOTA_ROWS):
        q = (a.get("quotas") or [])[i] if i < len(a.get("quotas") or []) else {}
        values[f"quota_{i}_category"] = (q.get("worker_categories") or [""])[0]
        values[f"quota_{i}_district"] = (q.get("districts") or [""])[0]
        values[f"quota_{i}_share"] = round(q["share"] * 100) if q else ""
    return values
