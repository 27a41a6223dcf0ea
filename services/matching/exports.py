"""Rows behind a report as a download: CSV (`Accept: text/csv` or `?format=csv`) or Excel (`?format=xlsx`).

CSV is UTF-8 with a BOM (Excel opens it as UTF-8), CRLF lines, a header row of the API's field
names. Excel: one sheet, the same header, times as text in Asia/Shanghai. A cell that a
spreadsheet would run as a formula (=, +, -, @ first) is written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import Response, request
from openpyxl import Workbook

from shared.timeutil import local_today, to_local

JSON, CSV, XLSX = "application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"json": JSON, "csv": CSV, "xlsx": XLSX}  # by ?format= (schemas_loop.FORMATS)


def downloadable(blp):
    """Document the 200 answer's file forms next to its JSON one (flask-smorest merges them)."""
    def decorate(fn):
        for media, schema in ((CSV, {"type": "string"}), (XLSX, {"type": "string", "format": "binary"})):
            fn = blp.alt_response(200, schema=schema, content_type=media, success=True,
                                  description="OK: JSON; with `Accept: text/csv` or `?format=csv|xlsx`, the rows as a file")(fn)
        return fn
    return decorate


def wanted(args: dict) -> str:
    """The media type asked for: ?format= first, else the Accept header, else JSON."""
    if args.get("format"):
        return MEDIA[args["format"]]
    return request.accept_mimetypes.best_match([JSON, CSV, XLSX], default=JSON)


def _cell(value):
    if isinstance(value, datetime):
        return to_local(value).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(media_type: str, name: str, header: list[str], rows: list[list]) -> Response:
    filename = f"{name}-{local_today():%Y%m%d}.{'csv' if media_type == CSV else 'xlsx'}"
    if media_type == CSV:
        body, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = xlsx_bytes(name, header, rows), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
