"""The pages of union staff (and admins): the blueprint, the home page; the rest in views_staff_*.py."""
from __future__ import annotations

from flask import Blueprint, render_template

from . import auth, client
from .staff_data import union_names

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@auth.staff_required
def _staff_only():
    """Every staff page: signed in as staff or admin (a worker gets the 403 page)."""
    return None


@bp.get("/")
def home():
    demand = client.get("/matching/demand", params={"per_page": 5})
    unmet = client.get("/matching/unmet-needs", params={"per_page": 5})
    drafts = client.get("/catalog/offers", params={"status": "draft", "per_page": 1})
    return render_template("staff/home.html", demand=demand["items"], unmet=unmet["items"],
                           drafts=drafts["total"], names=union_names())


from . import views_staff_admin, views_staff_demand, views_staff_exports, views_staff_imports  # noqa: E402,F401
from . import views_staff_offers, views_staff_roster  # noqa: E402,F401
