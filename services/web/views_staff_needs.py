"""Staff: needs to follow up (filters, assigning many at once), one need with its history and its steps."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import client
from .client import ApiError
from .messages import field_messages, message_for
from .staff_data import union_choices, union_names
from .staff_loop import default_due, need_filters, page_number
from .staff_blueprint import bp

PER_PAGE = 50
STEPS = {  # the form of each step: what it sends, and where the answer is said
    "assign": lambda f: {"union_id": f.get("union_id") or None, "due_date": f.get("due_date") or None,
                         "assignee": (f.get("assignee") or "").strip()[:64] or None,
                         "note": (f.get("note") or "").strip()[:1000] or None},
    "respond": lambda f: {"text": (f.get("text") or "").strip()[:2000],
                          "offer_ids": [o for o in (f.get("offer_ids") or "").replace("，", ",").replace(" ", ",")
                                        .split(",") if o][:20]},
    "resolve": lambda f: {"outcome": f.get("outcome") or None, "note": (f.get("note") or "").strip()[:2000] or None,
                          "referred_to": (f.get("referred_to") or "").strip()[:200] or None},
    "merge": lambda f: {"into": f.get("into") or None},
}
DONE = {"assign": _l("已分派。"), "respond": _l("已答复，职工能在“我的需求”里看到。"),
        "resolve": _l("已办结，职工会被请来评价。"), "merge": _l("已合并为重复需求。")}


@bp.get("/needs")
def needs():
    unions = union_choices()
    filters = need_filters(unions)
    page = page_number()
    result = client.get("/matching/needs", params={**filters, "page": page, "per_page": PER_PAGE})
    return render_template("staff/needs.html", result=result, filters=filters, unions=unions, page=page,
                           per_page=PER_PAGE, names=union_names(), form={"due_date": default_due()}, fields={})


@bp.post("/needs/assign")
def needs_assign():
    """Assign the ticked needs, or every need the list's filters find (open or assigned ones)."""
    form = request.form
    body = {"union_id": form.get("union_id") or None, "due_date": form.get("due_date") or None,
            "assignee": form.get("assignee", "").strip()[:64] or None}
    back = {k: form.get(f"f_{k}", "") for k in ("status", "category", "district", "worker_category",
                                                 "assigned_union_id", "overdue")}
    if form.get("scope") == "filters":
        wanted = {k: v for k, v in back.items() if v and k in ("category", "district", "worker_category",
                                                              "assigned_union_id")}
        body["filters"] = {**wanted, "status": back["status"] if back["status"] in ("open", "assigned") else "open"}
    else:
        body["ids"] = form.getlist("ids")[:1000]
        if not body["ids"]:
            flash(_("请先勾选要分派的需求。"), "error")
            return redirect(url_for("staff.needs", **back))
    try:
        got = client.post("/matching/needs/assign", body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        fields = field_messages(exc)
        flash(" ".join([message_for(exc), *fields.values()]), "error")
        return redirect(url_for("staff.needs", **back))
    message = _("已分派 %(n)s 条需求。", n=got["assigned"])
    if got["skipped"]:
        message += " " + _("%(n)s 条没有分派（已被处理，或这个工会联系不到这些职工）。", n=len(got["skipped"]))
    if got["remaining"]:
        message += " " + _("还有 %(n)s 条符合条件，请再分派一次。", n=got["remaining"])
    flash(message, "success")
    return redirect(url_for("staff.needs", **back))


def _need_page(need_id: str, status: int = 200, **context):
    need = client.get(f"/matching/needs/{need_id}")
    steps = client.get(f"/matching/needs/{need_id}/history")["items"]
    others = [n for n in client.get("/matching/needs", params={"worker_id": need["worker_id"], "per_page": 100})["items"]
              if n["id"] != need_id and n["status"] not in ("withdrawn", "merged")]
    context.setdefault("fields", {})
    context.setdefault("step", None)
    context["form"] = {"union_id": need.get("assigned_union_id") or "", "due_date": default_due(),
                       **context.get("form", {})}
    return render_template("staff/need.html", need=need, steps=steps, others=others, unions=union_choices(),
                           names=union_names(), **context), status


@bp.get("/needs/<need_id>")
def need(need_id: str):
    return _need_page(need_id)


@bp.post("/needs/<need_id>/<step>")
def need_step(need_id: str, step: str):
    if step not in STEPS:
        abort(404)
    form = request.form.to_dict()
    try:
        client.post(f"/matching/needs/{need_id}/{step}", STEPS[step](form))
    except ApiError as exc:
        if exc.status == 422:
            return _need_page(need_id, 422, step=step, form=form, error=message_for(exc), fields=field_messages(exc))
        if exc.status not in (403, 409):
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("staff.need", need_id=need_id))
    flash(str(DONE[step]), "success")
    return redirect(url_for("staff.need", need_id=need_id))
