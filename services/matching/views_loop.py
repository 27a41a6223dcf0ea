"""Matching HTTP endpoints of a need's life: one need, its history, its steps; assigning many."""
from __future__ import annotations

from flask.views import MethodView

from shared.api import Blueprint, problems
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import assignment, needlife, needviews
from .schemas import NeedSchema
from .schemas_loop import (AssignSchema, BulkAssignResultSchema, BulkAssignSchema, FeedbackSchema, MergeSchema,
                           NeedHistorySchema, ResolveSchema, RespondSchema)

blp = Blueprint("matching-loop", __name__, url_prefix="/matching",
                description="A need's life: assigned, answered, resolved, and what its worker thought of it.")

STEP_409 = problems(_409="invalid-state: the step does not follow from the need's status, or the need changed "
                         "meanwhile.")


@blp.route("/needs/<need_id>")
class NeedById(MethodView):
    @authenticated()
    @blp.response(200, NeedSchema)
    def get(self, need_id):
        """Read one need (its worker; staff reaching the worker; admin)."""
        return needviews.get_need(request_session(), current_principal(), need_id)


@blp.route("/needs/<need_id>/history")
class NeedHistory(MethodView):
    @authenticated()
    @blp.response(200, NeedHistorySchema)
    def get(self, need_id):
        """Every step of the need, oldest first, its recording first (its worker; staff in reach; admin)."""
        return needviews.need_history(request_session(), current_principal(), need_id)


@blp.route("/needs/<need_id>/assign")
class AssignNeed(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(AssignSchema)
    @blp.response(200, NeedSchema)
    @blp.doc(responses=STEP_409)
    def post(self, data, need_id):
        """Give the need to a union you act for whose staff reach its worker, with a due date."""
        return needlife.assign(request_session(), current_principal(), need_id, data)


@blp.route("/needs/<need_id>/respond")
class RespondNeed(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(RespondSchema)
    @blp.response(200, NeedSchema)
    @blp.doc(responses=STEP_409)
    def post(self, data, need_id):
        """Say what was done, optionally naming offers that answer it (the owner union's staff and above)."""
        return needlife.respond(request_session(), current_principal(), need_id, data)


@blp.route("/needs/<need_id>/resolve")
class ResolveNeed(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(ResolveSchema)
    @blp.response(200, NeedSchema)
    @blp.doc(responses=STEP_409)
    def post(self, data, need_id):
        """Close the need with an outcome (the owner union's staff and above); its worker is then asked."""
        return needlife.resolve(request_session(), current_principal(), need_id, data)


@blp.route("/needs/<need_id>/feedback")
class NeedFeedback(MethodView):
    @authenticated("worker")
    @blp.arguments(FeedbackSchema)
    @blp.response(200, NeedSchema)
    @blp.doc(responses=problems(_409="invalid-state: not resolved or fulfilled, or already answered."))
    def post(self, data, need_id):
        """The worker says whether it is satisfied; not satisfied reopens the need (its owner is told)."""
        return needlife.feedback(request_session(), current_principal(), need_id, data)


@blp.route("/needs/<need_id>/withdraw")
class WithdrawNeed(MethodView):
    @authenticated("worker")
    @blp.response(200, NeedSchema)
    @blp.doc(responses=STEP_409)
    def post(self, need_id):
        """The worker takes back its own need (while it is open, assigned or responded)."""
        return needlife.withdraw(request_session(), current_principal(), need_id)


@blp.route("/needs/<need_id>/merge")
class MergeNeed(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(MergeSchema)
    @blp.response(200, NeedSchema)
    @blp.doc(responses=STEP_409)
    def post(self, data, need_id):
        """This need duplicates `into` (the same worker's): it becomes merged; both histories say so."""
        return needlife.merge(request_session(), current_principal(), need_id, data)


@blp.route("/needs/assign")
class BulkAssign(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(BulkAssignSchema)
    @blp.response(200, BulkAssignResultSchema)
    def post(self, data):
        """Assign many needs at once: by `ids`, or the open needs `filters` find (oldest first, 5,000 a call)."""
        return assignment.bulk_assign(request_session(), current_principal(), data)
