"""Matching HTTP endpoints: importing needs from CSV or .xlsx, in the request or as a job."""
from __future__ import annotations

from flask import Response, request, url_for
from flask.views import MethodView

from shared.api import Blueprint, page_of
from shared.api import accepts
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import imports, tabular
from .schemas import ImportResultSchema
from .schemas_imports import ImportArgs, ImportJobQuery, ImportJobSchema, ImportJobSummarySchema

blp = Blueprint("matching-imports", __name__, url_prefix="/matching",
                description="Importing questionnaire answers: small files at once, large ones as jobs.")

_job_schema = ImportJobSchema()


@blp.route("/needs/import")
class NeedsImport(MethodView):
    @authenticated("staff", "admin")
    @accepts(tabular.CSV, tabular.XLSX, max_bytes=imports.MAX_BYTES)
    @blp.arguments(ImportArgs, location="query")
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(202, schema=ImportJobSchema, description="Accepted as a job; follow the Location header.")
    def post(self, args):
        """Import questionnaire answers (text/csv in UTF-8 or GB18030, or an .xlsx workbook).

        Header: worker_id,text,category,source,interview_point. Up to 2 MiB the request answers
        {imported, rejected, rejected_total}; a larger file (up to 64 MiB), `?async=true` or
        `Prefer: respond-async` makes a job: 202 with the job and its Location. `?async=false`
        insists on the answer now (413 above 2 MiB)."""
        want_async = args.get("run_async")
        if want_async is None and "respond-async" in request.headers.get("Prefer", "").lower():
            want_async = True
        result = imports.receive(request_session(), current_principal(), tabular.KINDS[request.mimetype],
                                 request.stream, request.content_length, want_async)
        if not isinstance(result, dict):
            location = url_for(".ImportJobById", job_id=result.id)
            return Response(_job_schema.dumps(result, ensure_ascii=False), status=202, mimetype="application/json",
                            headers={"Location": location, "Preference-Applied": "respond-async"})
        return result


@blp.route("/needs/imports")
class ImportJobs(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(ImportJobQuery, location="query")
    @blp.response(200, page_of(ImportJobSummarySchema))
    def get(self, args):
        """Import jobs, newest first (staff: their union's; admin: all)."""
        return imports.list_jobs(request_session(), current_principal(), args)


@blp.route("/needs/imports/<job_id>")
class ImportJobById(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, ImportJobSchema)
    def get(self, job_id):
        """One import job: status, rows read, imported, rejected rows with their lines and errors."""
        return imports.get_job(request_session(), current_principal(), job_id)
