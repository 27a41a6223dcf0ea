"""Matching HTTP endpoints of the loop for staff: the problem list and its items; reports and their rows."""
from __future__ import annotations

from flask.views import MethodView

from shared.api import Blueprint, page_of, problems
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import exports, problems as problem_list, reports
from .schemas_loop import (NeedsReportSchema, ProblemHistorySchema, ProblemQuery, ProblemItemSchema, ProblemItemTakenSchema,
                           ReportQuery, SatisfactionItemSchema, SatisfactionQuery, TakeSchema)

blp = Blueprint("matching-loop-reports", __name__, url_prefix="/matching",
                description="The problem list, and reports from received to satisfied.")

PROBLEM_FIELDS = ["id", "category", "district", "worker_category", "needs", "open", "assigned", "responded",
                  "overdue_needs", "workers", "oldest_at", "union_id", "assignee", "due_date", "overdue", "taken_at"]


@blp.route("/problems")
class Problems(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(ProblemQuery, location="query")
    @blp.response(200, page_of(ProblemItemSchema))
    @exports.downloadable(blp)
    def get(self, args):
        """Unresolved needs you reach by category x district x worker category, largest and oldest first."""
        media = exports.wanted(args)
        if media == exports.JSON:
            return problem_list.problem_list(request_session(), current_principal(), args)
        items = problem_list.problem_list(request_session(), current_principal(), args, whole=True)["items"]
        return exports.download(media, "problems", PROBLEM_FIELDS, [[i[f] for f in PROBLEM_FIELDS] for i in items])


@blp.route("/problems/<problem_id>")
class ProblemById(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, ProblemItemSchema)
    def get(self, problem_id):
        """One item of your problem list (404 when none of its needs is yours to see)."""
        return problem_list.get_problem(request_session(), current_principal(), problem_id)


@blp.route("/problems/<problem_id>/assign")
class TakeProblem(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(TakeSchema)
    @blp.response(200, ProblemItemTakenSchema)
    @blp.doc(responses=problems(_409="invalid-state: someone took or changed the item meanwhile."))
    def post(self, data, problem_id):
        """A union you act for takes the item on (or it is passed on), with its open needs and a due date."""
        return problem_list.take(request_session(), current_principal(), problem_id, data)


@blp.route("/problems/<problem_id>/history")
class ProblemHistory(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, ProblemHistorySchema)
    def get(self, problem_id):
        """Who took the item on, passed it on, and where it escalated, oldest first."""
        return problem_list.problem_history(request_session(), current_principal(), problem_id)


@blp.route("/reports/needs")
class NeedsReport(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, NeedsReportSchema)
    @exports.downloadable(blp)
    def get(self, args):
        """Needs received in a period by a union and those below it: statuses, outcomes, times, satisfaction."""
        media = exports.wanted(args)
        if media == exports.JSON:
            return reports.needs_report(request_session(), current_principal(), args)
        rows = reports.report_rows(request_session(), current_principal(), args)
        return exports.download(media, "needs", reports.ROW_FIELDS, rows)


@blp.route("/reports/satisfaction")
class SatisfactionList(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(SatisfactionQuery, location="query")
    @blp.response(200, page_of(SatisfactionItemSchema))
    @exports.downloadable(blp)
    def get(self, args):
        """The satisfaction list: needs received in the period whose worker answered, latest answer first."""
        media = exports.wanted(args)
        if media == exports.JSON:
            return reports.satisfaction_page(request_session(), current_principal(), args)
        rows = reports.satisfaction_rows(request_session(), current_principal(), args)
        return exports.download(media, "satisfaction", reports.SATISFACTION_FIELDS, rows)
