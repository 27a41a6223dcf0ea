"""Staff: the loop's report for a union and those below it, with charts and downloads (rows, satisfaction list)."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import auth, client, labels
from .staff_charts import bar_chart
from .staff_data import union_choices
from .staff_loop import problem_filters, relay_download
from .staff_blueprint import bp

DOWNLOADS = {"rows": ("/matching/reports/needs", _l("需求明细")),
             "satisfaction": ("/matching/reports/satisfaction", _l("满意清单")),
             "problems": ("/matching/problems", _l("问题清单"))}


def _day(name: str) -> str:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw).isoformat() if raw and 2000 <= date.fromisoformat(raw).year <= 2100 else ""
    except ValueError:
        return ""


def report_filters() -> dict:
    unions = union_choices()
    union_id = request.args.get("union_id", "")
    own = auth.current_user().get("union_id") or ""
    filters = {"union_id": union_id if union_id in unions else own, "from": _day("from"), "to": _day("to")}
    if filters["from"] and filters["to"] and filters["from"] > filters["to"]:
        filters["from"], filters["to"] = filters["to"], filters["from"]
    return filters


def _hours(value) -> str:
    if value is None:
        return "—"
    return _("%(d)s 天", d=round(value / 24, 1)) if value >= 48 else _("%(h)s 小时", h=value)


@bp.get("/reports")
def reports():
    filters = report_filters()
    report = client.get("/matching/reports/needs", params=filters)
    statuses = [(labels.label(labels.NEED_STATUSES, k), v) for k, v in report["by_status"].items()]
    outcomes = [(labels.label(labels.OUTCOMES, k), v) for k, v in report["by_outcome"].items() if v]
    answers = [(_("满意"), report["satisfied"]), (_("不满意"), report["not_satisfied"])]
    share = report["resolved_within_30_days"]
    return render_template(
        "staff/reports.html", report=report, filters=filters, unions=union_choices(),
        statuses=statuses, outcomes=outcomes, answers=answers,
        share=None if share is None else round(share * 100, 1),
        to_response=_hours(report["median_hours_to_response"]),
        to_resolution=_hours(report["median_hours_to_resolution"]),
        status_chart=bar_chart(statuses, _("按现在的状态：需求条数")),
        outcome_chart=bar_chart(outcomes, _("按办理结果：需求条数")) if outcomes else None,
        answer_chart=bar_chart(answers, _("职工评价：需求条数")))


@bp.get("/reports/download/<what>")
def report_download(what: str):
    if what not in DOWNLOADS:
        abort(404)
    path, name = DOWNLOADS[what]
    params = problem_filters(union_choices()) if what == "problems" else report_filters()
    return relay_download(path, params, str(name))
