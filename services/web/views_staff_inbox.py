"""Staff: what is addressed to their union (reopened and escalated needs), and the channel sends
that failed, to see and to send again."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import client, labels
from .client import ApiError
from .inbox_data import inbox_page, mark_read, page_number, safe_link
from .messages import message_for
from .staff_blueprint import bp

DELIVERY_FILTER = ("failed", "held", "pending", "sent", "skipped")


@bp.get("/inbox")
def inbox():
    unread_only = request.args.get("unread") == "1"
    return render_template("staff/inbox.html", result=inbox_page(unread_only), unread_only=unread_only,
                           page=page_number())


@bp.post("/inbox/<notification_id>/read")
def inbox_read(notification_id: str):
    mark_read(notification_id)
    return redirect(url_for("staff.inbox", unread=request.form.get("unread") or None))


@bp.post("/inbox/<notification_id>/open")
def inbox_open(notification_id: str):
    note = mark_read(notification_id)
    return redirect(safe_link(note.get("link")) or url_for("staff.inbox"))


@bp.post("/inbox/read-all")
def inbox_read_all():
    marked = client.post("/notify/inbox/read-all")["marked"]
    flash(_("已将 %(n)s 条消息标为已读。", n=marked) if marked else _("没有未读消息。"), "success")
    return redirect(url_for("staff.inbox"))


@bp.get("/deliveries")
def deliveries():
    status = request.args.get("status", "failed")
    status = status if status in DELIVERY_FILTER else "failed"
    channel = request.args.get("channel", "")
    channel = channel if channel in labels.CHANNELS else ""
    result = client.get("/notify/deliveries", params={"status": status, "channel": channel,
                                                      "page": page_number(), "per_page": 50})
    return render_template("staff/deliveries.html", result=result, status=status, channel=channel,
                           statuses=DELIVERY_FILTER, page=page_number())


@bp.post("/deliveries/<delivery_id>/retry")
def delivery_retry(delivery_id: str):
    try:
        client.post(f"/notify/deliveries/{delivery_id}/retry")
    except ApiError as exc:
        if exc.status != 409:
            raise
        flash(message_for(exc), "error")
    else:
        flash(_("已重新发送，稍后刷新查看结果。"), "success")
    return redirect(url_for("staff.deliveries", status=request.form.get("status") or "failed"))
