"""Staff: a ballot session's draw (run it after the close, see it and its verification) and no-shows."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import client
from .ballot_data import ORDER_ROWS, category_names, draw_or_none, verification, window_state
from .client import ApiError
from .messages import message_for
from .staff_blueprint import bp
from .worker_data import availability


def _offer_and_session(offer_id: str, session_id: str) -> tuple[dict, dict]:
    offer = client.get(f"/catalog/offers/{offer_id}")
    session = next((s for s in offer["sessions"] if s["id"] == session_id), None)
    if session is None:
        abort(404)
    return offer, session


@bp.get("/offers/<offer_id>/sessions/<session_id>/draw")
def draw(offer_id: str, session_id: str):
    offer, session = _offer_and_session(offer_id, session_id)
    doc = draw_or_none(session_id)
    avail = availability(session_id)
    return render_template("staff/draw.html", offer=offer, session=session, doc=doc, avail=avail,
                           state=window_state(avail), check=verification(doc, offer) if doc else None,
                           rows=(doc or {}).get("order", [])[:ORDER_ROWS], category_names=category_names)


@bp.post("/offers/<offer_id>/sessions/<session_id>/draw")
def draw_run(offer_id: str, session_id: str):
    _offer_and_session(offer_id, session_id)
    try:
        client.post(f"/booking/sessions/{session_id}/draw")
    except ApiError as exc:
        if exc.status != 409:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("staff.draw", offer_id=offer_id, session_id=session_id))
    flash(_("已抽签。中签的职工需要在期限内确认。"), "success")
    return redirect(url_for("staff.draw", offer_id=offer_id, session_id=session_id))


@bp.post("/offers/<offer_id>/sessions/<session_id>/no-show")
def no_show(offer_id: str, session_id: str):
    booking_id = (request.form.get("booking_id") or "").strip()[:64]
    back = redirect(url_for("staff.roster", offer_id=offer_id, session_id=session_id))
    try:
        booking = client.get(f"/booking/bookings/{booking_id}") if booking_id else None
        if booking is None or booking["session_id"] != session_id:
            flash(_("这个报名不是这一场的，请刷新名单。"), "error")
            return back
        client.post(f"/booking/bookings/{booking_id}/no-show")
    except ApiError as exc:
        if exc.status not in (404, 409):
            raise
        flash(message_for(exc), "error")
        return back
    flash(_("已登记未到场：%(code)s", code=booking_id), "success")
    return back
