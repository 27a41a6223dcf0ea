"""Staff: exports of a roster, the demand table and unmet needs, to Excel or CSV (a header row in Chinese)."""
from __future__ import annotations

from datetime import datetime

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import format_datetime

from . import labels
from .staff_data import union_names
from .staff_exports import FORMATS, download
from .staff_blueprint import bp
from .views_staff_demand import REASONS, demand_filters, demand_rows, unmet_filters, unmet_rows
from .views_staff_roster import roster_of


def _format() -> str:
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(400)
    return fmt


def _time(value: str | None) -> str:
    return format_datetime(datetime.fromisoformat(value), "yyyy-MM-dd HH:mm") if value else ""


@bp.get("/offers/<offer_id>/sessions/<session_id>/export")
def export_roster(offer_id: str, session_id: str):
    fmt = _format()
    offer, session, bookings = roster_of(offer_id, session_id)
    header = [_("序号"), _("报名码"), _("职工编号"), _("状态"), _("候补位次"), _("报名时间"), _("更新时间")]
    rows = [[i, b["id"], b["worker_id"], labels.label(labels.BOOKING_STATUSES, b["status"]),
             b.get("waitlist_position"), _time(b.get("created_at")), _time(b.get("updated_at"))]
            for i, b in enumerate(bookings, start=1)]
    starts = format_datetime(datetime.fromisoformat(session["starts_at"]), "yyyyMMdd-HHmm")
    return download(fmt, f"{_('名单')}-{offer['title'][:40]}-{starts}", header, rows)


@bp.get("/demand/export")
def export_demand():
    fmt = _format()
    rows = demand_rows(demand_filters())
    names = union_names()
    header = [_("活动"), _("活动类型"), _("工会"), _("匹配职工"), _("总名额"), _("已报名"), _("候补"), _("未满足")]
    data = [[r["title"], labels.label(labels.OFFER_KINDS, r["kind"]), names.get(r["union_id"], r["union_id"]),
             r["matched_workers"], r["capacity"], r["confirmed"], r["waitlisted"], r["unmet"]] for r in rows]
    return download(fmt, _("需求分析"), header, data)


@bp.get("/unmet/export")
def export_unmet():
    fmt = _format()
    rows = unmet_rows(unmet_filters())
    header = [_("需求类别"), _("区"), _("需求条数"), _("职工人数"), _("主要原因"), _("职工原话（示例）")]
    data = [[labels.label(labels.NEED_CATEGORIES, r["category"]),
             labels.label(labels.DISTRICTS, r["district"]) if r.get("district") else _("未填区"),
             r["open_needs"], r["workers"], str(REASONS.get(r.get("reason"), r.get("reason_text") or "")),
             " / ".join(r.get("sample_texts") or [])] for r in rows]
    return download(fmt, _("未满足需求"), header, data)
