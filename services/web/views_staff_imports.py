"""Staff: importing interview records (CSV, Excel .xlsx, CSV saved by Excel in GBK) with the row-by-row report.

The API answers 200 with the report, or 202 with an import job for a large file: then a page
that refreshes itself (<meta http-equiv=refresh>) shows the job's progress until it is done.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, ValidationError, validate_csrf

from . import client
from .client import ApiError
from .staff_import_report import HEADER, content_type, file_problem, report
from .staff_blueprint import bp

MAX_UPLOAD = 64 * 1024 * 1024  # the API's limit for an import job
RUNNING = ("queued", "running")


def _form(status: int = 200, **context):
    context.setdefault("error", None)
    return render_template("staff/imports.html", header=HEADER, **context), status


@bp.get("/imports")
def imports():
    return _form()


@bp.post("/imports")
def import_upload():
    # An upload may exceed the site's form limit: raise it for this request, then check the CSRF token
    # (the app-wide check is skipped for this view because it would read the body under the lower limit).
    request.max_content_length = MAX_UPLOAD
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form(422, error=_("请选择要导入的文件。"))
    data = upload.read()
    kind = content_type(upload.filename, data)
    if not data:
        return _form(422, error=_("文件是空的。第一行应是表头：%(h)s", h=HEADER))
    if kind is None:
        return _form(422, error=_("只能导入 .csv 或 .xlsx 文件。"))
    try:
        answer = client.call("POST", "/matching/needs/import", content=data, headers={"Content-Type": kind})
    except ApiError as exc:
        if exc.status not in (400, 413, 415, 422):
            raise
        return _form(422, error=file_problem(exc))
    if "status" in answer and "id" in answer:  # 202: a job
        return redirect(url_for("staff.import_job", job_id=answer["id"]))
    return render_template("staff/import_report.html", report=report(answer), filename=upload.filename, job=None)


@bp.get("/imports/<job_id>")
def import_job(job_id: str):
    job = client.get(f"/matching/needs/imports/{job_id}")
    if job["status"] in RUNNING:
        return render_template("staff/import_progress.html", job=job)
    failed = job["status"] == "failed"
    return render_template("staff/import_report.html", report=report(job), job=job, filename=None,
                           failed=failed, failure=file_problem(_JobFailure(job)) if failed else None)


class _JobFailure(ApiError):
    """A failed job's `error` read like the API's refusal of a file."""

    def __init__(self, job: dict):
        super().__init__(422, "validation-error", "", job.get("error") or {})


@bp.record_once
def _exempt_from_app_wide_csrf(state):
    state.app.extensions["csrf"].exempt(f"{__name__}.import_upload")
