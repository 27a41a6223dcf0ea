"""The staff pages' blueprint: every page signed in as staff or admin; the API's 403 as another union's things.

The pages register on it in views_staff.py and views_staff_*.py."""
from __future__ import annotations

from flask import Blueprint, current_app
from flask_babel import gettext as _

from . import auth
from .client import ApiError
from .errors import render_error

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@auth.staff_required
def _staff_only():
    """Every staff page: signed in as staff or admin (a worker gets the 403 page)."""
    return None


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    """The API's 403 on a staff page means another union's things; everything else as everywhere."""
    if exc.status == 403:
        return render_error(403, _("这是其他工会的内容，你只能查看和管理自己工会及下级工会的活动和数据。"))
    return current_app.error_handler_spec[None][None][ApiError](exc)
