"""The worker's inbox and notification settings; the unread count every page's navigation shows."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import auth, client
from .client import ApiError
from .inbox_data import inbox_page, mark_read, page_number, safe_link, unread_count
from .messages import field_messages, message_for

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def _navigation():
    return {"unread_count": unread_count}


@bp.get("/inbox")
@auth.worker_required
def inbox():
    unread_only = request.args.get("unread") == "1"
    return render_template("worker/inbox.html", result=inbox_page(unread_only), unread_only=unread_only,
                           page=page_number())


@bp.post("/inbox/<notification_id>/read")
@auth.worker_required
def read(notification_id: str):
    mark_read(notification_id)
    return redirect(url_for("inbox.inbox", unread=request.form.get("unread") or None,
                            page=request.form.get("page") or None))


@bp.post("/inbox/<notification_id>/open")
@auth.worker_required
def open_one(notification_id: str):
    """Mark it read and go where it leads (or back to the inbox)."""
    note = mark_read(notification_id)
    return redirect(safe_link(note.get("link")) or url_for("inbox.inbox"))


@bp.post("/inbox/read-all")
@auth.worker_required
def read_all():
    marked = client.post("/notify/inbox/read-all")["marked"]
    flash(_("已将 %(n)s 条消息标为已读。", n=marked) if marked else _("没有未读消息。"), "success")
    return redirect(url_for("inbox.inbox"))


@bp.route("/preferences", methods=["GET", "POST"])
@auth.worker_required
def preferences():
    current = client.get("/notify/preferences")
    if request.method == "GET":
        return render_template("worker/preferences.html", prefs=current, fields={}, phone="", openid="")
    form = request.form
    body = {"sms": form.get("sms") == "on", "wechat": form.get("wechat") == "on"}
    phone, openid = form.get("phone", "").strip()[:32], form.get("wechat_openid", "").strip()[:64]
    if phone:
        body["phone"] = phone
    elif form.get("remove_phone") == "on":
        body["phone"] = None
    if openid:
        body["wechat_openid"] = openid
    elif form.get("remove_wechat") == "on":
        body["wechat_openid"] = None
    try:
        client.put("/notify/preferences", body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return render_template("worker/preferences.html", prefs={**current, "sms": body["sms"], "wechat": body["wechat"]}, phone=phone, openid=openid,
                               error=message_for(exc), fields=field_messages(exc)), 422
    flash(_("通知设置已保存。"), "success")
    return redirect(url_for("inbox.preferences"))
