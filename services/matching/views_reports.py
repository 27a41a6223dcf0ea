"""Matching HTTP endpoints: recommendations, demand, unmet needs."""
from __future__ import annotations

from flask.views import MethodView

from shared.api import Blueprint, page_of
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import audit, demand, recommend, unmet
from .schemas import (DemandQuery, DemandSchema, RecommendationQuery, RecommendationsSchema, UnmetGroupSchema,
                      UnmetQuery)
from .schemas_privacy import AuditEntrySchema, AuditQuery

blp = Blueprint("matching-reports", __name__, url_prefix="/matching",
                description="Recommendations for workers; demand and unmet needs for staff.")


@blp.route("/workers/<worker_id>/recommendations")
class Recommendations(MethodView):
    @authenticated()
    @blp.arguments(RecommendationQuery, location="query")
    @blp.response(200, RecommendationsSchema)
    def get(self, args, worker_id):
        """Offers for this worker's open needs, best first, with reasons."""
        items = recommend.recommend(request_session(), current_principal(), worker_id, args["limit"])
        return {"items": items}


@blp.route("/offers/<offer_id>/demand")
class OfferDemand(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, DemandSchema)
    def get(self, offer_id):
        """Matched demand for one offer (its union's staff and above, admin)."""
        return demand.offer_demand(request_session(), current_principal(), offer_id)


@blp.route("/demand")
class DemandTable(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(DemandQuery, location="query")
    @blp.response(200, page_of(DemandSchema))
    def get(self, args):
        """Demand for many offers (the caller's unions'), largest unmet first."""
        return demand.demand_table(request_session(), current_principal(), args)


@blp.route("/unmet-needs")
class UnmetNeeds(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(UnmetQuery, location="query")
    @blp.response(200, page_of(UnmetGroupSchema))
    def get(self, args):
        """Open needs no live offer serves for that worker, by category and district, largest first."""
        return unmet.unmet_needs(request_session(), current_principal(), args)


@blp.route("/audit")
class Audit(MethodView):
    @authenticated("admin")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_of(AuditEntrySchema))
    def get(self, args):
        """Staff and admin reads of workers' personal data, newest first (admin; ?worker_id=, ?actor=)."""
        return audit.list_entries(request_session(), args)
