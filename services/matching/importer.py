"""CSV import of questionnaire answers: streamed, row by row, good rows kept.

Header: worker_id,text,category,source,interview_point (category may be empty).
Line numbers count the header as line 1.

The needs are stored, classified and committed by the request. Extending the
match index for them (up to a million new (offer, worker) pairs for a campaign's
export) is left to matching's event worker: the import writes needs.imported
events in the same transaction, and demand catches up within seconds.
"""
from __future__ import annotations

import csv
from typing import Iterable, Iterator

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import ValidationFailed

from . import events
from .models import Need
from .needs import mark_fulfilled, new_need
from .schemas import NeedCreateSchema

HEADER = ["worker_id", "text", "category", "source", "interview_point"]
BATCH = 2000
MAX_REJECTED_LISTED = 1000

_row_schema = NeedCreateSchema()


def _decoded(chunks: Iterable[bytes], bad_lines: dict) -> Iterator[str]:
    for number, raw in enumerate(chunks, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines[number] = True
            yield ""


def import_needs(session: Session, principal: Principal, lines: Iterable[bytes]) -> dict:
    bad_utf8: dict[int, bool] = {}
    reader = csv.reader(_decoded(lines, bad_utf8))
    header = next(reader, None)
    if header is None:
        raise ValidationFailed({"file": ["The file is empty; it needs the header " + ",".join(HEADER) + "."]})
    if [h.strip() for h in header] != HEADER:
        raise ValidationFailed({"header": [f"The header must be exactly: {','.join(HEADER)}."]})
    imported, rejected, batch, to_index = 0, [], [], []
    for row in reader:
        line = reader.line_num
        if bad_utf8.get(line):
            rejected.append({"line": line, "errors": {"_line": ["Not valid UTF-8."]}})
            continue
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(HEADER):
            rejected.append({"line": line, "errors": {"_line": [f"Expected {len(HEADER)} columns, got {len(row)}."]}})
            continue
        values = {k: v.strip() for k, v in zip(HEADER, row)}
        payload = {k: v for k, v in values.items() if v != ""}  # a blank cell is a missing value
        try:
            data = _row_schema.load(payload)
        except ValidationError as exc:
            rejected.append({"line": line, "errors": exc.messages})
            continue
        batch.append(new_need(data["worker_id"], data["text"], data["category"], data["source"] or "online",
                              data["interview_point"], principal.sub))
        if len(batch) >= BATCH:
            imported += _flush(session, batch, to_index)
    imported += _flush(session, batch, to_index)
    for i in range(0, len(to_index), BATCH):
        events.publish_needs_imported(session, to_index[i:i + BATCH])
    listed = rejected[:MAX_REJECTED_LISTED]
    return {"imported": imported, "rejected": listed, "rejected_total": len(rejected)}


def _flush(session: Session, batch: list[dict], to_index: list[str]) -> int:
    if not batch:
        return 0
    workers = sorted({row["worker_id"] for row in batch})
    known = set()
    for i in range(0, len(workers), 500):
        rows = session.execute(select(Need.worker_id, Need.category)
                               .where(Need.worker_id.in_(workers[i:i + 500])).distinct())
        known.update(tuple(row) for row in rows)
    session.execute(insert(Need), batch)
    # Only a (worker, category) pair the worker did not have can bring new matches.
    firsts = {}
    for row in batch:
        pair = (row["worker_id"], row["category"])
        if pair not in known:
            firsts.setdefault(pair, row["id"])
    mark_fulfilled(session, [row["id"] for row in batch])
    to_index.extend(firsts.values())
    count = len(batch)
    batch.clear()
    return count
