"""Staff: the problem list (groups of needs someone must act on), an item, taking it on; its export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import client
from .client import ApiError
from .messages import field_messages, message_for
from .staff_data import union_choices, union_names
from .staff_loop import default_due, page_number, problem_filters, relay_download
from .staff_blueprint import bp

PER_PAGE = 50


@bp.get("/problems")
def problems():
    unions = union_choices()
    filters = problem_filters(unions)
    page = page_number()
    result = client.get("/matching/problems", params={**filters, "page": page, "per_page": PER_PAGE})
    return render_template("staff/problems.html", result=result, filters=filters, unions=unions, page=page,
                           per_page=PER_PAGE, names=union_names())


@bp.get("/problems/export")
def export_problems():
    return relay_download("/matching/problems", problem_filters(union_choices()), _("问题清单"))


def _item_page(problem_id: str, status: int = 200, **context):
    item = client.get(f"/matching/problems/{problem_id}")
    steps = client.get(f"/matching/problems/{problem_id}/history")["items"]
    context.setdefault("fields", {})
    context.setdefault("form", {"union_id": (item.get("union_id") or ""), "due_date": default_due()})
    return render_template("staff/problem.html", item=item, steps=steps, unions=union_choices(),
                           names=union_names(), **context), status


@bp.get("/problems/<problem_id>")
def problem(problem_id: str):
    return _item_page(problem_id)


@bp.post("/problems/<problem_id>/assign")
def problem_take(problem_id: str):
    form = {k: request.form.get(k, "").strip() for k in ("union_id", "assignee", "due_date", "note")}
    body = {"union_id": form["union_id"] or None, "due_date": form["due_date"] or None,
            "assignee": form["assignee"][:64] or None, "note": form["note"][:1000] or None,
            "assign_needs": request.form.get("assign_needs") == "on"}
    try:
        got = client.post(f"/matching/problems/{problem_id}/assign", body)
    except ApiError as exc:
        if exc.status == 422:
            return _item_page(problem_id, 422, form=form, error=message_for(exc), fields=field_messages(exc))
        if exc.status not in (403, 409):
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("staff.problem", problem_id=problem_id))
    flash(_("已认领，并分派了 %(n)s 条需求。", n=got["needs_assigned"]), "success")
    return redirect(url_for("staff.problem", problem_id=problem_id))
