"""Bodies of the needs import: the query of the upload, and the import job."""
from __future__ import annotations

from marshmallow import fields

from shared.api import LocalDateTime, PageArgs, Schema, one_of

JOB_STATUSES = ("queued", "running", "done", "failed")


class ImportArgs(Schema):
    # true: always a job (202); false: always answered by the request (200), up to the synchronous limit.
    run_async = fields.Boolean(data_key="async")


class ImportJobQuery(PageArgs):
    status = fields.String(validate=one_of(JOB_STATUSES))


class ImportJobSummarySchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": list(JOB_STATUSES)})
    kind = fields.String(metadata={"description": "csv or xlsx"})
    size_bytes = fields.Integer()
    rows_done = fields.Integer(metadata={"description": "data rows read so far (good, rejected and blank)"})
    imported = fields.Integer()
    rejected_total = fields.Integer()
    error = fields.Dict(allow_none=True, metadata={"description": "why a failed job failed, per field"})
    union_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = LocalDateTime()
    started_at = LocalDateTime(allow_none=True)
    finished_at = LocalDateTime(allow_none=True)


class ImportJobSchema(ImportJobSummarySchema):
    rejected = fields.List(fields.Dict(), metadata={"description": "the first 1,000 rejected rows: {line, errors}"})
