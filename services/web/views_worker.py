"""The worker's pages: recommendations, search, an offer, sign-up, bookings with QR, profile, needs."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from . import auth, client, labels
from . import views_worker_needs  # noqa: F401  (its pages register on the same blueprint)
from .ballot_data import FACTORS, category_names, reasons, window_state
from .client import ApiError
from .messages import field_messages, message_for
from .worker_blueprint import bp
from .worker_data import (availability, me, my_bookings, offer_or_none, parse_years, profile_or_none,
                          with_offers)

ACTIVE = ("confirmed", "waitlisted", "applied", "offered")


@bp.get("/")
def home():
    user = auth.current_user()
    if user is None:
        return redirect(url_for("auth.signin"))
    if user["role"] != "worker":
        return redirect(auth.home_url(user))
    profile = profile_or_none()
    items = client.get(f"/matching/workers/{me()}/recommendations")["items"] if profile else []
    return render_template("worker/home.html", profile=profile, items=items)


@bp.get("/offers")
def offers():
    args = {k: request.args.get(k, "").strip() for k in ("q", "kind", "district")}
    args["kind"] = args["kind"] if args["kind"] in labels.OFFER_KINDS else ""
    args["district"] = args["district"] if args["district"] in labels.DISTRICTS else ""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    result = client.get("/catalog/offers", params={**args, "q": args["q"][:100], "page": page, "per_page": 10})
    return render_template("worker/offers.html", args=args, result=result, page=page)


@bp.get("/offers/<offer_id>")
def offer(offer_id: str):
    item = offer_or_none(offer_id)
    if item is None:
        abort(404)
    user = auth.current_user()
    mine = {}
    if user and user["role"] == "worker":
        mine = {b["session_id"]: b for b in my_bookings(offer_id=offer_id) if b["status"] in ACTIVE}
    now = datetime.now(timezone.utc)
    sessions = [{**s, "availability": availability(s["id"]), "mine": mine.get(s["id"]),
                 "started": datetime.fromisoformat(s["starts_at"]) <= now} for s in item["sessions"]]
    for s in sessions:
        s["ballot"] = window_state(s["availability"])  # first_come, or where the ballot stands
    return render_template("worker/offer.html", offer=item, sessions=sessions, key=uuid.uuid4().hex,
                           factors=FACTORS, category_names=category_names)


@bp.post("/offers/<offer_id>/sessions/<session_id>/book")
@auth.worker_required
def book(offer_id: str, session_id: str):
    key = request.form.get("key", "")[:64] or uuid.uuid4().hex
    try:
        booking = client.post("/booking/bookings", {"session_id": session_id}, headers={"Idempotency-Key": key})
    except ApiError as exc:
        if exc.status in (401, 404) or exc.status >= 500:
            raise
        flash(message_for(exc), "error")
        if exc.slug == "profile-required":
            return redirect(url_for("worker.profile", next=url_for("worker.offer", offer_id=offer_id)))
        return redirect(url_for("worker.offer", offer_id=offer_id))
    if booking["status"] == "applied":
        flash(_("已提交抽签申请。申请截止后抽签，结果会显示在这里。"), "success")
    elif booking["status"] == "waitlisted":
        flash(_("这一场已满，你已进入候补名单，排在第 %(n)s 位。有人取消时会按顺序递补。",
                n=booking["waitlist_position"]), "success")
    else:
        flash(_("报名成功！到场时请出示报名二维码。"), "success")
    return redirect(url_for("worker.booking", booking_id=booking["id"]))


@bp.get("/bookings")
@auth.worker_required
def bookings():
    items = with_offers(my_bookings())
    active = [b for b in items if b["status"] in ACTIVE]
    past = [b for b in items if b["status"] not in ACTIVE]
    return render_template("worker/bookings.html", active=active, past=past)


@bp.get("/bookings/<booking_id>")
@auth.worker_required
def booking(booking_id: str):
    item = with_offers([client.get(f"/booking/bookings/{booking_id}")])[0]
    qr = None
    if item["status"] == "confirmed":
        qr = Markup(segno.make(item["id"], error="m").svg_inline(
            scale=8, border=2, omitsize=True, svgclass="qr-code", title=_("报名二维码")))
    return render_template("worker/booking.html", booking=item, qr=qr, reasons=reasons(item.get("ballot")))


@bp.post("/bookings/<booking_id>/accept")
@auth.worker_required
def accept(booking_id: str):
    try:
        client.post(f"/booking/bookings/{booking_id}/accept")
    except ApiError as exc:
        if exc.status in (401, 404) or exc.status >= 500:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("worker.booking", booking_id=booking_id))
    flash(_("已确认，名额为你保留。到场时请出示报名二维码。"), "success")
    return redirect(url_for("worker.booking", booking_id=booking_id))


@bp.post("/bookings/<booking_id>/cancel")
@auth.worker_required
def cancel(booking_id: str):
    try:
        client.post(f"/booking/bookings/{booking_id}/cancel")
    except ApiError as exc:
        if exc.status in (401, 404) or exc.status >= 500:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("worker.booking", booking_id=booking_id))
    was = request.form.get("was")
    flash({"waitlisted": _("已退出候补名单。"), "applied": _("已撤回抽签申请。"),
           "offered": _("已放弃这个名额，它会让给下一位。")}.get(was) or _("已取消报名。"), "success")
    return redirect(url_for("worker.bookings"))


@bp.route("/profile", methods=["GET", "POST"])
@auth.worker_required
def profile():
    current = profile_or_none()
    if request.method == "GET":
        return render_template("worker/profile.html", profile=current or {}, fields={}, new=current is None,
                               editing=current is None or request.args.get("edit") == "1")
    form = request.form
    body = {"birth_date": form.get("birth_date", "").strip() or None, "district": form.get("district") or None,
            "worker_category": form.get("worker_category") or None,
            "union_member": form.get("union_member") == "on", "employer": form.get("employer", "").strip()[:200]}
    years = parse_years(form.get("children_birth_years", ""))
    shown = {**body, "children_birth_years": form.get("children_birth_years", "")}
    if years is None:
        return render_template("worker/profile.html", profile=shown, new=current is None, editing=True,
                               fields={"children_birth_years": _("孩子的出生年份要写成4位数字，用逗号隔开，例如 2018,2021。")}), 422
    body["children_birth_years"] = years
    try:
        client.put(f"/matching/workers/{me()}", {k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        if exc.status != 422:
            raise
        return render_template("worker/profile.html", profile=shown, new=current is None, editing=True,
                               error=message_for(exc), fields=field_messages(exc)), 422
    flash(_("资料已保存。"), "success")
    return redirect(auth.safe_next(request.args.get("next")) or url_for("worker.profile"))


@bp.get("/needs")
@auth.worker_required
def needs():
    items = client.get("/matching/needs", params={"worker_id": me(), "per_page": 100})["items"]
    return render_template("worker/needs.html", items=items, new_id=request.args.get("new"))


@bp.route("/needs/new", methods=["GET", "POST"])
@auth.worker_required
def need_new():
    if request.method == "GET":
        return render_template("worker/need_new.html", text="", fields={})
    text = request.form.get("text", "").strip()
    if not text:
        return render_template("worker/need_new.html", text=text, fields={"text": _("请写下你的需求。")}), 422
    try:
        need = client.post("/matching/needs", {"worker_id": me(), "text": text[:1000], "source": "online"})
    except ApiError as exc:
        if exc.status != 422:
            raise
        return render_template("worker/need_new.html", text=text, error=message_for(exc),
                               fields=field_messages(exc)), 422
    flash(_("已收到你的需求。我们理解为：%(category)s。工会会跟进，你可以在这里看到处理进度。",
            category=labels.label(labels.NEED_CATEGORIES, need["category"])), "success")
    return redirect(url_for("worker.needs", new=need["id"]))
