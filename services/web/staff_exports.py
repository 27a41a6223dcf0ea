"""Downloads for staff: a sheet as Excel (.xlsx, openpyxl) or CSV (UTF-8 with BOM, for Excel), Chinese file names."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


def _cell(value):
    """A value as a cell: text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def xlsx_bytes(sheet_title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for i, title in enumerate(header, start=1):
        longest = max([len(str(title)) * 2] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name as RFC 5987 filename*."""
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(fmt: str, name: str, header: list[str], rows: list[list]) -> Response:
    """The sheet as a download named `name`-YYYYMMDD.xlsx|csv."""
    filename = f"{name}-{datetime.now():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        body, mimetype = xlsx_bytes(name, header, rows), XLSX
    else:
        body, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": content_disposition(filename)})
