"""Staff: a session's roster and check-in (from the list, by typing the booking's code, or by scanning its QR)."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import client, labels
from .client import ApiError
from .staff_data import all_items
from .staff_blueprint import bp

CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def roster_of(offer_id: str, session_id: str) -> tuple[dict, dict, list[dict]]:
    """(the offer, its session, the session's bookings); 404 when the session is not the offer's."""
    offer = client.get(f"/catalog/offers/{offer_id}")
    session = next((s for s in offer["sessions"] if s["id"] == session_id), None)
    if session is None:
        abort(404)
    bookings = all_items("/booking/bookings", {"session_id": session_id})
    order = {"attended": 0, "confirmed": 1, "offered": 2, "waitlisted": 3}
    bookings.sort(key=lambda b: (order.get(b["status"], 9), b.get("waitlist_position") or 0, b["created_at"]))
    return offer, session, bookings


def _page(offer_id: str, session_id: str, status: int = 200, **context):
    offer, session, bookings = roster_of(offer_id, session_id)
    counts: dict[str, int] = {}
    for booking in bookings:
        counts[booking["status"]] = counts.get(booking["status"], 0) + 1
    context.setdefault("code_error", None)
    context.setdefault("code", "")
    return render_template("staff/roster.html", offer=offer, session=session, bookings=bookings,
                           counts=counts, **context), status


@bp.get("/offers/<offer_id>/sessions/<session_id>")
def roster(offer_id: str, session_id: str):
    return _page(offer_id, session_id)


@bp.post("/offers/<offer_id>/sessions/<session_id>/check-in")
def checkin(offer_id: str, session_id: str):
    """One form for the row button (booking_id), the typed code and the scanned QR (code)."""
    typed = "code" in request.form
    code = (request.form.get("code") if typed else request.form.get("booking_id") or "").strip()
    error = _why_not(code, session_id)
    if error:
        if not typed:
            flash(error, "error")
            return redirect(url_for("staff.roster", offer_id=offer_id, session_id=session_id))
        return _page(offer_id, session_id, 422, code_error=error, code=code[:60])
    try:
        client.post(f"/booking/bookings/{code}/check-in")
    except ApiError as exc:
        if exc.status != 409:
            raise
        return _page(offer_id, session_id, 409, code_error=_("这个报名现在不能签到，请刷新名单看看它的状态。"), code=code)
    flash(_("已签到：%(code)s", code=code), "success")
    return redirect(url_for("staff.roster", offer_id=offer_id, session_id=session_id) + "#code-form")


def _why_not(code: str, session_id: str) -> str | None:
    """Why this code cannot be checked in on this session (None: it can)."""
    if not code:
        return _("请输入报名码，或扫描职工的报名二维码。")
    if not CODE.match(code):
        return _("报名码只包含字母、数字和连字符，请核对后再输入。")
    try:
        booking = client.get(f"/booking/bookings/{code}")
    except ApiError as exc:
        if exc.status != 404:
            raise
        return _("没有找到这个报名码。请核对后再输入。")
    if booking["session_id"] != session_id:
        return _("这个报名码不是这一场的报名，请让职工确认报名的场次。")
    if booking["status"] == "attended":
        return _("这位职工已经签到过了。")
    if booking["status"] != "confirmed":
        return _("这个报名的状态是“%(status)s”，只有已报名的才能签到。",
                 status=labels.label(labels.BOOKING_STATUSES, booking["status"]))
    return None

