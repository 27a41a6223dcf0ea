"""Staff: demand per offer (matched, confirmed, waitlisted, unmet) with charts; unmet needs by category and district."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import auth, client, labels
from .staff_charts import bar_chart
from .staff_data import all_items, union_choices, union_names
from .staff_blueprint import bp

DETAIL_ROWS = 30  # the detail table's groups before "show all" (the export has every group)

REASONS = {
    "full": _l("有这类活动，职工也符合条件，但名额已满"),
    "no_offer": _l("目前没有在办的活动提供这类服务"),
    "no_profile": _l("职工还没有填写个人资料，无法判断能否报名"),
    "not_eligible": _l("有相关活动，但职工不符合报名条件"),
}


def demand_filters() -> dict:
    choices = union_choices()
    union_id = request.args.get("union_id", "")
    kind = request.args.get("kind", "")
    status = request.args.get("status", "published")
    return {"union_id": union_id if union_id in choices else (auth.current_user().get("union_id") or ""),
            "kind": kind if kind in labels.OFFER_KINDS else "",
            "status": status if status in ("published", "closed") else "published"}


def demand_rows(filters: dict) -> list[dict]:
    rows = all_items("/matching/demand", filters, limit=1000)
    return sorted(rows, key=lambda r: (-r["unmet"], -r["matched_workers"], r.get("title") or ""))


def unmet_filters() -> dict:
    district = request.args.get("district", "")
    category = request.args.get("category", "")
    return {"district": district if district in labels.DISTRICTS else "",
            "category": category if category in labels.NEED_CATEGORIES else ""}


def unmet_rows(filters: dict) -> list[dict]:
    rows = all_items("/matching/unmet-needs", filters, limit=1000)
    return sorted(rows, key=lambda r: (-r["open_needs"], -r["workers"]))


def _totals(rows: list[dict], key: str) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for row in rows:
        out[row.get(key) or ""] = out.get(row.get(key) or "", 0) + row["open_needs"]
    return sorted(out.items(), key=lambda kv: -kv[1])


@bp.get("/demand")
def demand():
    filters = demand_filters()
    rows = demand_rows(filters)
    chart = bar_chart([(r["title"], r["unmet"]) for r in rows], _("各活动未满足的人数"),
                      _("按未满足人数从多到少，最多显示15个活动。")) if rows else None
    return render_template("staff/demand.html", rows=rows, filters=filters, chart=chart, unions=union_choices(),
                           names=union_names())


@bp.get("/demand/<offer_id>")
def demand_offer(offer_id: str):
    offer = client.get(f"/catalog/offers/{offer_id}")
    row = client.get(f"/matching/offers/{offer_id}/demand")
    districts = sorted(((labels.label(labels.DISTRICTS, k), v) for k, v in row["by_district"].items()),
                       key=lambda kv: -kv[1])
    categories = sorted(((labels.label(labels.WORKER_CATEGORIES, k), v) for k, v in row["by_worker_category"].items()),
                        key=lambda kv: -kv[1])
    return render_template(
        "staff/demand_offer.html", offer=offer, row=row, districts=districts, categories=categories,
        district_chart=bar_chart(districts, _("按区：匹配的职工人数"), limit=20),
        category_chart=bar_chart(categories, _("按职工类别：匹配的职工人数"), limit=20))


@bp.get("/unmet")
def unmet():
    filters = unmet_filters()
    rows = unmet_rows(filters)
    by_category = [(labels.label(labels.NEED_CATEGORIES, k), v) for k, v in _totals(rows, "category")]
    by_district = [(labels.label(labels.DISTRICTS, k) if k else _("未填区"), v) for k, v in _totals(rows, "district")]
    shown = rows if request.args.get("all") == "1" else rows[:DETAIL_ROWS]
    return render_template(
        "staff/unmet.html", rows=rows, shown=shown, filters=filters, reasons=REASONS, by_category=by_category, by_district=by_district,
        category_chart=bar_chart(by_category, _("按需求类别：未满足的需求条数")) if rows else None,
        district_chart=bar_chart(by_district, _("按区：未满足的需求条数")) if rows else None)
