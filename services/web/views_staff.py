"""The pages of union staff (and admins): the blueprint, the home page; the rest in views_staff_*.py."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from . import auth, client
from .client import ApiError
from .errors import render_error
from .staff_data import union_names

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


@bp.get("/")
def home():
    demand = client.get("/matching/demand", params={"per_page": 5})
    unmet = client.get("/matching/unmet-needs", params={"per_page": 5})
    drafts = client.get("/catalog/offers", params={"status": "draft", "per_page": 1})
    return render_template("staff/home.html", demand=demand["items"], unmet=unmet["items"],
                           drafts=drafts["total"], names=union_names())


from . import views_staff_admin, views_staff_demand, views_staff_exports, views_staff_imports  # noqa: E402,F401
from . import views_staff_inbox, views_staff_offers, views_staff_roster  # noqa: E402,F401
