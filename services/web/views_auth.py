"""Sign-in (staff: username + password; workers: mobile number then a 6-digit code), sign-out,
the account page, change password, the language switch."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from . import auth, client
from .app import LANGUAGES
from .client import ApiError, ApiUnavailable
from .messages import field_messages, message_for

bp = Blueprint("auth", __name__)


def _next() -> str | None:
    return auth.safe_next(request.values.get("next"))


def _demo_accounts() -> list[dict]:
    try:
        return client.get("/accounts/demo", anonymous=True).get("items", [])
    except (ApiError, ApiUnavailable):
        return []  # no demo loaded (404), or accounts not answering: the forms still work


def _signin_page(status: int = 200, *, error: str | None = None, fields: dict | None = None, form=None):
    return render_template("auth/signin.html", demo=_demo_accounts(), next=_next(), error=error,
                           fields=fields or {}, form=form or {}), status


def _code_page(phone: str, answer: dict | None, status: int = 200, *, error: str | None = None,
               fields: dict | None = None):
    return render_template("auth/code.html", phone=phone, answer=answer or {}, next=_next(), error=error,
                           fields=fields or {}), status


def _signed_in(answer: dict):
    auth.sign_in(answer)
    flash(_("你好，%(name)s，已登录。", name=answer["user"].get("display_name") or ""), "success")
    return redirect(_next() or auth.home_url(auth.current_user()))


@bp.get("/signin")
def signin():
    if auth.current_user():
        return redirect(_next() or auth.home_url(auth.current_user()))
    return _signin_page()


@bp.post("/signin/password")
def signin_password():
    username, password = request.form.get("username", "").strip(), request.form.get("password", "")
    form = {"username": username}
    if not username or not password:
        return _signin_page(422, error=_("请填写用户名和密码。"), form=form)
    try:
        answer = client.post("/accounts/sessions/password", {"username": username, "password": password},
                             anonymous=True)
    except ApiError as exc:
        if exc.status >= 500:
            raise
        return _signin_page(exc.status, error=message_for(exc), fields=field_messages(exc), form=form)
    return _signed_in(answer)


def _request_code(phone: str):
    """Ask accounts for a code: (answer, None) or (None, error page)."""
    if not phone:
        return None, _signin_page(422, fields={"phone": _("请输入手机号。")})
    try:
        return client.post("/accounts/codes", {"phone": phone}, anonymous=True), None
    except ApiError as exc:
        if exc.status >= 500:
            raise
        return None, _signin_page(exc.status, error=message_for(exc), fields=field_messages(exc),
                                  form={"phone": phone})


@bp.post("/signin/code")
def signin_code():
    phone = request.form.get("phone", "").strip()
    answer, page = _request_code(phone)
    return page or _code_page(phone, answer)


@bp.post("/signin/code/verify")
def signin_verify():
    phone, code = request.form.get("phone", "").strip(), request.form.get("code", "").strip()
    if not (code.isdigit() and len(code) == 6):
        return _code_page(phone, None, 422, fields={"code": _("请输入短信里的6位数字验证码。")})
    try:
        answer = client.post("/accounts/sessions/code", {"phone": phone, "code": code}, anonymous=True)
    except ApiError as exc:
        if exc.status >= 500:
            raise
        if exc.slug == "invalid-code":
            return _code_page(phone, None, exc.status, fields={"code": message_for(exc)})
        return _code_page(phone, None, exc.status, error=message_for(exc), fields=field_messages(exc))
    return _signed_in(answer)


@bp.post("/signin/demo")
def signin_demo():
    """One click for a demo account: staff post their password; a worker gets a code and uses it."""
    if request.form.get("kind") == "worker":
        phone = request.form.get("phone", "")
        answer, page = _request_code(phone)
        if page:
            return page
        if "demo_code" not in answer:
            return _code_page(phone, answer)
        return _signed_in(client.post("/accounts/sessions/code", {"phone": phone, "code": answer["demo_code"]},
                                      anonymous=True))
    return signin_password()


@bp.post("/signout")
def signout():
    auth.sign_out()
    flash(_("你已退出登录。"), "info")
    return redirect(url_for("auth.signin"))


@bp.get("/account")
@auth.login_required()
def account():
    return render_template("auth/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@auth.staff_required
def change_password():
    if request.method == "GET":
        return render_template("auth/password.html", fields={})
    current, new, again = (request.form.get(k, "") for k in ("current_password", "new_password", "new_password2"))
    if new != again:
        return render_template("auth/password.html", fields={"new_password2": _("两次输入的新密码不一样。")}), 422
    try:
        client.post("/accounts/password", {"current_password": current, "new_password": new})
    except ApiError as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        return render_template("auth/password.html", error=message_for(exc), fields=field_messages(exc)), exc.status
    flash(_("密码已修改。"), "success")
    return redirect(url_for("auth.account"))


@bp.post("/language")
def language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(_next() or url_for("worker.home"))
