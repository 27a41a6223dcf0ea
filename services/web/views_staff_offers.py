"""Staff: offers — list, create, edit, sessions (add, raise capacity), publish, close."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import auth, client
from .client import ApiError
from .messages import message_for
from .staff_data import union_choices, union_names
from .staff_offer_form import eligibility_categories, field_errors, form_values, offer_body, session_body
from .staff_blueprint import bp

STATUSES = ("draft", "published", "closed")


def _form(template: str, status: int = 200, **context):
    context.setdefault("fields", {})
    context.setdefault("error", None)
    return render_template(template, unions=union_choices(), elig_categories=eligibility_categories(),
                           **context), status


@bp.get("/offers")
def offers():
    user = auth.current_user()
    status = request.args.get("status", "published")
    status = status if status in STATUSES else "published"
    choices = union_choices()
    union_id = request.args.get("union_id", "")
    if union_id not in choices:
        union_id = user.get("union_id") or ""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    result = client.get("/catalog/offers", params={"status": status, "union_id": union_id, "page": page,
                                                   "per_page": 20})
    return render_template("staff/offers.html", result=result, status=status, union_id=union_id,
                           unions=choices, names=union_names(), page=page)


@bp.route("/offers/new", methods=["GET", "POST"])
def offer_new():
    if request.method == "GET":
        values = form_values()
        values["union_id"] = auth.current_user().get("union_id") or ""
        return _form("staff/offer_form.html", values=values, offer=None)
    body, fields = offer_body(request.form)
    if fields:
        return _form("staff/offer_form.html", 422, values=form_values(form=request.form), offer=None,
                     fields=fields, error=_("有几项填写得不对，请看下面的提示。"))
    try:
        offer = client.post("/catalog/offers", body)
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        return _form("staff/offer_form.html", 422, values=form_values(form=request.form), offer=None,
                     fields=field_errors(exc.errors, form=request.form), error=_offer_message(exc))
    flash(_("草稿已保存，确认无误后就可以发布。") if offer.get("sessions") else _("草稿已保存。添加场次后就可以发布。"),
          "success")
    return redirect(url_for("staff.offer", offer_id=offer["id"]))


def _offer_message(exc: ApiError) -> str:
    if exc.status == 403:
        return _("你只能为自己的工会和下级工会发布活动。")
    return message_for(exc)


@bp.get("/offers/<offer_id>")
def offer(offer_id: str):
    item = client.get(f"/catalog/offers/{offer_id}")
    return render_template("staff/offer.html", offer=item, names=union_names(), fields={}, error=None,
                           new={}, capacity_for=None)


@bp.route("/offers/<offer_id>/edit", methods=["GET", "POST"])
def offer_edit(offer_id: str):
    item = client.get(f"/catalog/offers/{offer_id}")
    if request.method == "GET":
        return _form("staff/offer_form.html", values=form_values(item), offer=item)
    body, fields = offer_body(request.form, status=item["status"], creating=False)
    if fields:
        return _form("staff/offer_form.html", 422, values=form_values(form=request.form), offer=item,
                     fields=fields, error=_("有几项填写得不对，请看下面的提示。"))
    try:
        client.patch(f"/catalog/offers/{offer_id}", body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        error = _("活动已发布，只能修改标题、介绍和地址。") if exc.status == 409 else message_for(exc)
        return _form("staff/offer_form.html", 422, values=form_values(form=request.form), offer=item,
                     fields=field_errors(exc.errors, form=request.form), error=error)
    flash(_("已保存。"), "success")
    return redirect(url_for("staff.offer", offer_id=offer_id))


def _existing_sessions(item: dict) -> list[dict]:
    return [{k: s[k] for k in ("id", "starts_at", "ends_at", "capacity")} for s in item["sessions"]]


def _offer_page(item: dict, status: int, **context):
    context.setdefault("fields", {})
    context.setdefault("error", None)
    context.setdefault("new", {})
    context.setdefault("capacity_for", None)
    return render_template("staff/offer.html", offer=item, names=union_names(), **context), status


@bp.post("/offers/<offer_id>/sessions")
def session_add(offer_id: str):
    item = client.get(f"/catalog/offers/{offer_id}")
    fields: dict[str, str] = {}
    new = session_body(request.form, fields, prefix="new_")
    if new is None:
        fields = {"new_starts_at": _("请选择日期和时间。"), "new_ends_at": _("请选择日期和时间。"),
                  "new_capacity": _("请填写名额。")}
    new_values = {k: request.form.get(k, "") for k in ("new_starts_at", "new_ends_at", "new_capacity")}
    if fields:
        return _offer_page(item, 422, fields=fields, new=new_values, error=_("新场次有几项填写得不对。"))
    try:
        client.patch(f"/catalog/offers/{offer_id}", {"sessions": _existing_sessions(item) + [new]})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return _offer_page(item, 422, fields=field_errors(exc.errors, session_prefix="new_"), new=new_values,
                           error=message_for(exc) if exc.status == 409 else _("新场次有几项填写得不对。"))
    flash(_("已添加场次。"), "success")
    return redirect(url_for("staff.offer", offer_id=offer_id))


@bp.post("/offers/<offer_id>/sessions/<session_id>/capacity")
def session_capacity(offer_id: str, session_id: str):
    item = client.get(f"/catalog/offers/{offer_id}")
    sessions = _existing_sessions(item)
    target = next((s for s in sessions if s["id"] == session_id), None)
    if target is None:
        return _offer_page(item, 404, error=_("这个场次已经不在了，请刷新页面。"))
    raw = (request.form.get("capacity") or "").strip()
    if not raw.isdigit() or not 0 < int(raw) <= 100_000:
        return _offer_page(item, 422, capacity_for=session_id, fields={"capacity": _("请填写 1 到 100000 之间的数字。")},
                           error=_("名额填写得不对。"))
    if item["status"] != "draft" and int(raw) < target["capacity"]:
        return _offer_page(item, 422, capacity_for=session_id,
                           fields={"capacity": _("已发布的场次名额只能增加，不能减少（现为 %(n)s）。", n=target["capacity"])},
                           error=_("名额填写得不对。"))
    target["capacity"] = int(raw)
    try:
        client.patch(f"/catalog/offers/{offer_id}", {"sessions": sessions})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        text = _("已发布的场次名额只能增加，不能减少。") if exc.status == 409 else \
            field_errors(exc.errors).get("capacity", _("名额填写得不对。"))
        return _offer_page(item, 422, capacity_for=session_id, fields={"capacity": text}, error=message_for(exc))
    flash(_("名额已改为 %(n)s。", n=raw), "success")
    return redirect(url_for("staff.offer", offer_id=offer_id))


@bp.post("/offers/<offer_id>/publish")
def offer_publish(offer_id: str):
    return _transition(offer_id, "publish", _("已发布，职工现在可以看到并报名了。"),
                       _("发布前需要至少一个还没开始的场次。请先添加场次。"))


@bp.post("/offers/<offer_id>/close")
def offer_close(offer_id: str):
    return _transition(offer_id, "close", _("已关闭，职工不能再报名。"), _("这个活动现在不能关闭，请刷新页面看看最新状态。"))


def _transition(offer_id: str, action: str, done: str, refused: str):
    try:
        client.post(f"/catalog/offers/{offer_id}/{action}")
    except ApiError as exc:
        if exc.status != 409:
            raise
        item = client.get(f"/catalog/offers/{offer_id}")
        return _offer_page(item, 409, error=refused)
    flash(done, "success")
    return redirect(url_for("staff.offer", offer_id=offer_id))

