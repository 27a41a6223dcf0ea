"""The offer form: form fields to the API's body, and the API's errors back to the form's fields."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from . import labels
from .form_times import input_time, local_time  # noqa: F401 (input_time: the forms' other direction)
from .messages import field_wording
from .staff_ballot_form import allocation_body, allocation_field, allocation_values

TEXT_FIELDS = ("title", "description", "address")  # what a published offer may still change
INT_FIELDS = ("min_age", "max_age", "limit_count", "limit_days", "capacity")

# The API's field path -> the form's field name.
FIELD_OF = {
    "eligibility.min_age": "min_age", "eligibility.max_age": "max_age",
    "eligibility.worker_categories": "worker_categories", "eligibility.districts": "eligible_districts",
    "eligibility.members_only": "members_only",
    "per_worker_limit.count": "limit_count", "per_worker_limit.period_days": "limit_days",
    "per_worker_limit": "limit_count",
}


def _int(form, name: str, errors: dict) -> int | None:
    raw = (form.get(name) or "").strip()
    if raw == "":
        return None
    if not re.fullmatch(r"-?\d{1,9}", raw):
        errors[name] = _("请填写整数。")
        return None
    return int(raw)


def session_body(form, errors: dict, prefix: str = "") -> dict | None:
    """One new session from starts_at/ends_at/capacity (None when all three are empty)."""
    raw = {k: (form.get(prefix + k) or "").strip() for k in ("starts_at", "ends_at", "capacity")}
    if not any(raw.values()):
        return None
    body = {}
    for key in ("starts_at", "ends_at"):
        body[key] = local_time(raw[key])
        if body[key] is None:
            errors[prefix + key] = _("请选择日期和时间。")
    body["capacity"] = _int(form, prefix + "capacity", errors)
    if body["capacity"] is None and prefix + "capacity" not in errors:
        errors[prefix + "capacity"] = _("请填写名额。")
    return body


def offer_body(form, status: str = "draft", creating: bool = True) -> tuple[dict, dict]:
    """(the body for POST or PATCH /catalog/offers, errors found before asking the API)."""
    errors: dict[str, str] = {}
    body = {k: (form.get(k) or "").strip() for k in TEXT_FIELDS}
    if status != "draft":
        return body, errors
    body.update({k: (form.get(k) or "").strip() for k in ("union_id", "kind", "district")})
    categories = [c for c in form.getlist("categories") if c]
    if categories or not creating:
        body["categories"] = categories
    ages = {k: _int(form, k, errors) for k in ("min_age", "max_age")}
    body["eligibility"] = {
        **ages,
        "worker_categories": [c for c in form.getlist("worker_categories") if c],
        "districts": [d for d in form.getlist("eligible_districts") if d],
        "members_only": form.get("members_only") == "1",
    }
    count, days = _int(form, "limit_count", errors), _int(form, "limit_days", errors)
    if count is None and days is None:
        body["per_worker_limit"] = None
    else:
        body["per_worker_limit"] = {"count": count, "period_days": days}
        for name, value in (("limit_count", count), ("limit_days", days)):
            if value is None and name not in errors:
                errors[name] = _("次数和天数要一起填写。")
    body["waitlist"] = form.get("waitlist") == "1"
    body["allocation"] = allocation_body(form, errors)
    if creating:
        first = session_body(form, errors)
        body["sessions"] = [first] if first else []
    return body, errors


def _flatten(errors, path: str = ""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        yield path, errors[0]
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            yield from _flatten(value, f"{path}.{i}")
    else:
        yield path, str(errors)


def field_errors(api_errors: dict, session_prefix: str = "", form=None) -> dict[str, str]:
    """The API's `errors` ({"eligibility": {"max_age": [...]}}, "sessions.0.ends_at": [...]) at the form's fields."""
    out: dict[str, str] = {}
    for path, text in _flatten(api_errors or {}):
        parts = path.split(".")
        if parts[0] == "sessions":
            leaf = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else "starts_at"
            name = session_prefix + (leaf if leaf in ("starts_at", "ends_at", "capacity") else "starts_at")
        else:
            name = FIELD_OF.get(path) or FIELD_OF.get(".".join(parts[:2])) or allocation_field(parts) or parts[0]
        blank = form is not None and not (form.get(name) or "").strip()
        if blank and "Length must be between 1 and" in text:
            text = "Missing data for required field."
        out.setdefault(name, field_wording(name, text))
    return out


def form_values(offer: dict | None = None, form=None) -> dict:
    """What the form shows: the submitted form, else the offer, else defaults."""
    if form is not None:
        values = {k: form.get(k, "") for k in form.keys()}
        for many in ("categories", "worker_categories", "eligible_districts"):
            values[many] = form.getlist(many)
        for flag in ("members_only", "waitlist"):
            values[flag] = form.get(flag) == "1"
        return {**values, **allocation_values(form=form)}
    if offer is None:
        return {"waitlist": True, "categories": [], "worker_categories": [], "eligible_districts": [],
                **allocation_values()}
    elig = offer.get("eligibility") or {}
    limit = offer.get("per_worker_limit") or {}
    return {**{k: offer.get(k) or "" for k in ("union_id", "kind", "district", *TEXT_FIELDS)},
            "categories": offer.get("categories") or [], "min_age": elig.get("min_age"),
            "max_age": elig.get("max_age"), "worker_categories": elig.get("worker_categories") or [],
            "eligible_districts": elig.get("districts") or [], "members_only": bool(elig.get("members_only")),
            "limit_count": limit.get("count"), "limit_days": limit.get("period_days"),
            "waitlist": bool(offer.get("waitlist")), **allocation_values(offer)}


def eligibility_categories() -> dict:
    return {"new_employment": _("新就业形态劳动者（全部）"), **labels.WORKER_CATEGORIES}
