"""Every error is a friendly page (never a traceback); an API 401 sends to sign-in."""
from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from shared.errors import HTTP_SLUGS, problem

from . import auth
from .client import ApiError, ApiUnavailable
from .messages import message_for

log = logging.getLogger("unionhub.web")

PAGES = {
    400: (_l("请求有误"), _l("这个请求看不懂，请返回上一页重试。")),
    403: (_l("没有权限"), _l("你的账号没有权限打开这个页面。你可以回到首页继续使用。")),
    404: (_l("没有找到"), _l("你要找的页面不存在，或者你无权查看。")),
    405: (_l("请求有误"), _l("这个页面不能这样打开，请返回上一页重试。")),
    413: (_l("内容太大"), _l("提交的内容太大了，请删减后再试。")),
    429: (_l("操作太频繁"), _l("操作太频繁了，请稍后再试。")),
    500: (_l("出了点问题"), _l("系统出了点问题，我们已经记录下来。请稍后再试。")),
    503: (_l("暂时无法使用"), _l("服务暂时无法连接，请过一两分钟再试。")),
}


def _wants_json() -> bool:
    """An API client (Accept: application/json, not HTML) on a path no service owns gets problem+json."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in ("application/json", "application/problem+json")


def render_error(status: int, message: str | None = None, title: str | None = None):
    default_title, default_message = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    headers = {"Retry-After": "30"} if status == 503 else {}
    if _wants_json():
        slug, english = HTTP_SLUGS.get(status, HTTP_SLUGS[500] if status >= 500 else HTTP_SLUGS[400])
        return problem(status, slug, english, str(message or default_message), headers=headers)
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message), status, headers


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_error(400, _("页面停留太久或已在别处退出，表单已失效。请返回刷新页面后重新提交。"),
                            _("表单已失效"))

    @app.errorhandler(ApiUnavailable)
    def _unavailable(_exc):
        return render_error(503)

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        if exc.status == 401:
            auth.sign_out()
            flash(_("登录已过期，请重新登录。"), "warning")
            return redirect(url_for("auth.signin", next=auth.safe_next(request.full_path.rstrip("?"))))
        if exc.status in (403, 404):
            return render_error(exc.status)
        if exc.status >= 500:
            log.error("API answered %s (%s) for %s %s", exc.status, exc.slug, request.method, request.path)
            return render_error(500)
        return render_error(exc.status if exc.status in PAGES else 400, message_for(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render_error(500)
