"""Import of questionnaire answers (CSV or .xlsx): row by row, good rows kept, bad rows reported.

Header: worker_id,text,category,source,interview_point (category may be empty).
Line numbers count the header as line 1.

Small files are imported by the request (import_needs); large ones by matching's worker as
a job (imports.py), in batches, each committed with the job's progress. Both run the rows
through batches() and store them with store(). Extending the match index for new needs (up
to a million new (offer, worker) pairs for a campaign's export) is left to matching's event
worker: each batch writes a needs.imported event in its transaction, and demand catches up
within seconds.
"""
from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from shared.errors import ValidationFailed

from . import tabular
from .needs import add_needs, new_need
from .schemas import NeedCreateSchema

HEADER = ["worker_id", "text", "category", "source", "interview_point"]
BATCH = 2000
MAX_REJECTED_LISTED = 1000

_row_schema = NeedCreateSchema()


class Batch(NamedTuple):
    needs: list[dict]      # rows for matching_needs
    rejected: list[dict]   # {"line", "errors"} of the rows read for this batch
    rows_read: int         # data rows read (good, rejected and blank), for resuming after them


def check_header(row: tabular.Row | None) -> None:
    if row is None:
        raise ValidationFailed({"file": ["The file is empty; it needs the header " + ",".join(HEADER) + "."]})
    if row.cells is None or [h.strip() for h in row.cells] != HEADER:
        raise ValidationFailed({"header": [f"The header must be exactly: {','.join(HEADER)}."]})


def batches(rows: Iterator[tabular.Row], recorded_by: str, skip: int = 0, size: int | None = None) -> Iterator[Batch]:
    """The data rows after the header, `size` (BATCH) rows a batch, after passing over the first `skip` rows."""
    size = size or BATCH
    for _ in range(skip):
        if next(rows, None) is None:
            return
    needs, rejected, read = [], [], 0
    for row in rows:
        read += 1
        need, errors = _need(row, recorded_by)
        if errors is not None:
            rejected.append({"line": row.line, "errors": errors})
        elif need is not None:
            needs.append(need)
        if read >= size:
            yield Batch(needs, rejected, read)
            needs, rejected, read = [], [], 0
    if read:
        yield Batch(needs, rejected, read)


def _need(row: tabular.Row, recorded_by: str) -> tuple[dict | None, dict | None]:
    """(need row, None), (None, errors), or (None, None) for a blank line."""
    if row.cells is None:
        return None, {"_line": [row.error]}
    cells = row.cells
    if not any(cell.strip() for cell in cells):
        return None, None
    if len(cells) != len(HEADER):
        return None, {"_line": [f"Expected {len(HEADER)} columns, got {len(cells)}."]}
    values = {k: v.strip() for k, v in zip(HEADER, cells)}
    payload = {k: v for k, v in values.items() if v != ""}  # a blank cell is a missing value
    try:
        data = _row_schema.load(payload)
    except ValidationError as exc:
        return None, exc.messages
    return new_need(data["worker_id"], data["text"], data["category"], data["source"] or "online",
                    data["interview_point"], recorded_by), None


def store(session: Session, need_rows: list[dict]) -> int:
    """Add a batch of needs; matching's worker extends the match index (needs.imported)."""
    return add_needs(session, need_rows, index_later=True)


def import_needs(session: Session, recorded_by: str, kind: str, chunks: Iterable[bytes]) -> dict:
    """The whole import in the caller's unit of work: {"imported", "rejected", "rejected_total"}."""
    chunks = list(chunks)
    rows = tabular.rows(kind, chunks, tabular.detect_encoding(chunks) if kind == "csv" else "")
    check_header(next(rows, None))
    imported, rejected = 0, []
    for batch in batches(rows, recorded_by):
        imported += store(session, batch.needs)
        rejected.extend(batch.rejected)
    return {"imported": imported, "rejected": rejected[:MAX_REJECTED_LISTED], "rejected_total": len(rejected)}
