"""The pages of union staff (and admins): the home page here, the rest in views_staff_*.py, all on
staff_blueprint.bp (importing them here registers their routes)."""
from __future__ import annotations

from flask import render_template

from . import client
from . import views_staff_admin, views_staff_demand, views_staff_exports, views_staff_imports  # noqa: F401
from . import views_staff_ballot, views_staff_inbox, views_staff_offers, views_staff_roster  # noqa: F401
from . import views_staff_needs, views_staff_problems, views_staff_reports  # noqa: F401
from .staff_blueprint import bp
from .staff_data import union_names


@bp.get("/")
def home():
    demand = client.get("/matching/demand", params={"per_page": 5})
    unmet = client.get("/matching/unmet-needs", params={"per_page": 5})
    drafts = client.get("/catalog/offers", params={"status": "draft", "per_page": 1})
    return render_template("staff/home.html", demand=demand["items"], unmet=unmet["items"],
                           drafts=drafts["total"], names=union_names())
