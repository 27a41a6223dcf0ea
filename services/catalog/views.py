"""Catalog HTTP endpoints: parse, call the rules, dump."""
from __future__ import annotations

from flask.views import MethodView

from shared.api import OPTIONAL_BEARER, Blueprint, page_of, problems
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import offers, search, unions
from .schemas import OfferCreateSchema, OfferPatchSchema, OfferQuery, OfferSchema, UnionQuery, UnionSchema

blp = Blueprint("catalog", __name__, url_prefix="/catalog", description="Unions and the offers they publish.")


@blp.route("/unions")
class Unions(MethodView):
    @authenticated()
    @blp.arguments(UnionQuery, location="query")
    @blp.response(200, page_of(UnionSchema))
    def get(self, args):
        """List unions (any signed-in caller)."""
        return unions.list_unions(request_session(), args)

    @authenticated("admin")
    @blp.arguments(UnionSchema)
    @blp.response(201, UnionSchema)
    def post(self, data):
        """Create a union (admin)."""
        return unions.create_union(request_session(), data)


@blp.route("/unions/<union_id>")
class UnionById(MethodView):
    @authenticated()
    @blp.response(200, UnionSchema)
    def get(self, union_id):
        """Read one union."""
        return unions.get_union(request_session(), union_id)


@blp.route("/offers")
class Offers(MethodView):
    @blp.arguments(OfferQuery, location="query")
    @blp.response(200, page_of(OfferSchema))
    @blp.doc(security=OPTIONAL_BEARER, responses=problems(_401="unauthorized: a token was sent but is not valid.",
                                                          _403="forbidden: status=draft|closed is for staff and admins."))
    def get(self, args):
        """List offers: published for everyone; staff and admin may ask for status=draft|closed."""
        return search.list_offers(request_session(), current_principal(), args)

    @authenticated("staff", "admin")
    @blp.arguments(OfferCreateSchema)
    @blp.response(201, OfferSchema)
    def post(self, data):
        """Create a draft offer (staff of the union or above, admin)."""
        return offers.create_offer(request_session(), current_principal(), data)


@blp.route("/offers/<offer_id>")
class OfferById(MethodView):
    @blp.response(200, OfferSchema)
    @blp.doc(security=OPTIONAL_BEARER, responses=problems(_401="unauthorized: a token was sent but is not valid."))
    def get(self, offer_id):
        """Read one offer; drafts and closed offers only for their unions' staff and admins."""
        return offers.get_offer(request_session(), current_principal(), offer_id)

    @authenticated("staff", "admin")
    @blp.arguments(OfferPatchSchema)
    @blp.response(200, OfferSchema)
    @blp.doc(responses=problems(_409="invalid-state: a change a published or closed offer does not take."))
    def patch(self, patch, offer_id):
        """Change an offer: anything while draft; once published only text, address, new sessions, more capacity."""
        return offers.update_offer(request_session(), current_principal(), offer_id, patch)


@blp.route("/offers/<offer_id>/publish")
class PublishOffer(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, OfferSchema)
    @blp.doc(responses=problems(_409="invalid-state: not a draft, or no session starts in the future."))
    def post(self, offer_id):
        """Publish a draft (needs a session starting in the future)."""
        return offers.publish(request_session(), current_principal(), offer_id)


@blp.route("/offers/<offer_id>/close")
class CloseOffer(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, OfferSchema)
    @blp.doc(responses=problems(_409="invalid-state: already closed."))
    def post(self, offer_id):
        """Close an offer: no more sign-ups."""
        return offers.close(request_session(), current_principal(), offer_id)
