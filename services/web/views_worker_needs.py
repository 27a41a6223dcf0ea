"""The worker's needs: each one's progress (its history), the satisfaction question, withdrawing."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import auth, client
from .client import ApiError
from .messages import field_messages, message_for
from .worker_blueprint import bp

STILL_OPEN = ("open", "assigned", "responded")  # the worker may still take it back


def _page(need_id: str, status: int = 200, **context):
    need = client.get(f"/matching/needs/{need_id}")
    steps = client.get(f"/matching/needs/{need_id}/history")["items"]
    context.setdefault("fields", {})
    return render_template("worker/need.html", need=need, steps=steps, still_open=STILL_OPEN, **context), status


@bp.get("/needs/<need_id>")
@auth.worker_required
def need(need_id: str):
    return _page(need_id)


@bp.post("/needs/<need_id>/feedback")
@auth.worker_required
def need_feedback(need_id: str):
    answer = request.form.get("satisfied")
    comment = request.form.get("comment", "").strip()[:1000]
    if answer not in ("yes", "no"):
        return _page(need_id, 422, comment=comment, fields={"satisfied": _("请选择满意或不满意。")})
    try:
        client.post(f"/matching/needs/{need_id}/feedback", {"satisfied": answer == "yes", "comment": comment})
    except ApiError as exc:
        if exc.status == 422:
            return _page(need_id, 422, comment=comment, error=message_for(exc), fields=field_messages(exc))
        if exc.status != 409:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("worker.need", need_id=need_id))
    flash(_("谢谢你的评价！") if answer == "yes" else
          _("已告诉工会你还不满意，这条需求会重新处理，进度会显示在这里。"), "success")
    return redirect(url_for("worker.need", need_id=need_id))


@bp.post("/needs/<need_id>/withdraw")
@auth.worker_required
def need_withdraw(need_id: str):
    try:
        client.post(f"/matching/needs/{need_id}/withdraw")
    except ApiError as exc:
        if exc.status != 409:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("worker.need", need_id=need_id))
    flash(_("已撤回这条需求。"), "success")
    return redirect(url_for("worker.needs"))
