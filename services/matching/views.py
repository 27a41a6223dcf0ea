"""Matching HTTP endpoints: profiles, needs, classification (the import: views_imports.py)."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from shared.api import Blueprint, page_of
from shared.events.streams import redis_for
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import needs, privacy, profiles
from .classify import classify
from .schemas import ClassifyInSchema, ClassifyOutSchema, NeedCreateSchema, NeedQuery, NeedSchema, ProfileSchema
from .schemas_privacy import ExportSchema

blp = Blueprint("matching", __name__, url_prefix="/matching",
                description="Workers' profiles and needs, classified and matched to offers.")


@blp.route("/workers/<worker_id>")
class WorkerProfile(MethodView):
    @authenticated()
    @blp.arguments(ProfileSchema)
    @blp.response(200, ProfileSchema)
    @blp.alt_response(201, schema=ProfileSchema, description="Created")
    def put(self, data, worker_id):
        """Create or replace a worker's profile (the worker itself, staff, admin)."""
        profile, created = profiles.put_profile(request_session(), current_principal(), worker_id, data)
        return profile, 201 if created else 200

    @authenticated()
    @blp.response(200, ProfileSchema)
    def get(self, worker_id):
        """Read a worker's profile (the worker itself, staff, admin)."""
        return profiles.get_profile(request_session(), current_principal(), worker_id)

    @authenticated()
    @blp.response(204)
    def delete(self, worker_id):
        """Erase the worker's personal data (the worker itself, admin); counts are kept, anonymised."""
        privacy.erase(request_session(), current_principal(), worker_id, redis=redis_for(current_app),
                      stream_prefix=current_app.config["UNIONHUB"].stream_prefix)


@blp.route("/workers/<worker_id>/export")
class WorkerExport(MethodView):
    @authenticated()
    @blp.response(200, ExportSchema)
    def get(self, worker_id):
        """Everything matching holds about the worker (the worker itself, admin)."""
        return privacy.export(request_session(), current_principal(), worker_id)


@blp.route("/needs")
class Needs(MethodView):
    @authenticated()
    @blp.arguments(NeedCreateSchema)
    @blp.response(201, NeedSchema)
    def post(self, data):
        """Record a need; without a category it is inferred from the text."""
        return needs.create_need(request_session(), current_principal(), data)

    @authenticated()
    @blp.arguments(NeedQuery, location="query")
    @blp.response(200, page_of(NeedSchema))
    def get(self, args):
        """List needs, newest first (a worker sees only its own)."""
        return needs.list_needs(request_session(), current_principal(), args)


@blp.route("/classify")
class Classify(MethodView):
    @authenticated()
    @blp.arguments(ClassifyInSchema)
    @blp.response(200, ClassifyOutSchema)
    def post(self, data):
        """Classify free text (Simplified or Traditional) into a need category, with per-category scores."""
        result = classify(data["text"])
        return {"category": result.category, "scores": result.scores}
