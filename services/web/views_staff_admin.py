"""Admins: the union tree (create a union) and staff accounts (list, create, disable, enable)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import auth, client, labels
from .client import ApiError
from .messages import message_for
from .staff_data import all_items, union_choices, union_names, unions_in_reach
from .staff_offer_form import field_errors
from .staff_blueprint import bp

admin_required = auth.login_required("admin")


def _unions_page(status: int = 200, **context):
    context.setdefault("fields", {})
    context.setdefault("error", None)
    context.setdefault("values", {})
    return render_template("staff/unions.html", tree=unions_in_reach(), parents=union_choices(), **context), status


@bp.get("/unions")
@admin_required
def unions():
    return _unions_page()


@bp.post("/unions")
@admin_required
def union_create():
    values = {k: (request.form.get(k) or "").strip() for k in ("name", "district", "parent_id")}
    body = {**values, "parent_id": values["parent_id"] or None}
    try:
        union = client.post("/catalog/unions", body)
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        fields = field_errors(exc.errors)
        if exc.status == 404:
            fields["parent_id"] = _("上级工会不存在。")
        return _unions_page(422, fields=fields, values=values, error=message_for(exc))
    flash(_("已创建工会：%(name)s", name=union["name"]), "success")
    return redirect(url_for("staff.unions") + f"#u-{union['id']}")


def _users_page(status: int = 200, **context):
    context.setdefault("fields", {})
    context.setdefault("error", None)
    context.setdefault("values", {"role": "staff"})
    users = all_items("/accounts/users", limit=2000)
    return render_template("staff/users.html", users=users, names=union_names(), unions=union_choices(),
                           roles={"staff": labels.ROLES["staff"], "admin": labels.ROLES["admin"]}, **context), status


@bp.get("/users")
@admin_required
def users():
    return _users_page()


@bp.post("/users")
@admin_required
def user_create():
    values = {k: (request.form.get(k) or "").strip() for k in ("username", "display_name", "role", "union_id")}
    password = request.form.get("password") or ""
    body = {**values, "password": password, "union_id": values["union_id"] or None}
    try:
        user = client.post("/accounts/users", body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        fields = field_errors(exc.errors)
        if exc.slug == "username-taken":
            fields["username"] = _("这个用户名已经有人用了。")
        if "password" in fields:
            fields["password"] = _("密码至少要10个字符。")
        return _users_page(422, fields=fields, values=values, error=message_for(exc))
    flash(_("已创建账号：%(name)s（%(user)s）", name=user["display_name"], user=user["username"]), "success")
    return redirect(url_for("staff.users"))


@bp.post("/users/<user_id>/active")
@admin_required
def user_active(user_id: str):
    active = request.form.get("active") == "1"
    if user_id == (auth.current_user() or {}).get("id") and not active:
        flash(_("不能停用你自己的账号。"), "error")
        return redirect(url_for("staff.users"))
    user = client.patch(f"/accounts/users/{user_id}", {"active": active})
    if active:
        flash(_("已启用：%(name)s", name=user["display_name"]), "success")
    else:
        flash(_("已停用：%(name)s，此账号不能再登录。", name=user["display_name"]), "success")
    return redirect(url_for("staff.users"))
