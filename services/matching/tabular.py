"""Rows of an uploaded table with their line numbers: CSV (UTF-8, with or without a BOM, or
GB18030/GBK as Excel saves it in China) or an Excel .xlsx workbook (its first sheet).

A row that cannot be read (bytes that are no text, an unterminated quote, a row far longer
than any valid one) comes out as a Row with an error, and reading goes on with the next line:
nothing here raises for a bad row. Line numbers count the header as line 1; a CSV row that
spans lines (a quoted field with line breaks) is numbered by its first line.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import deque
from datetime import date, datetime, time
from typing import Iterable, Iterator, NamedTuple

from shared.errors import ValidationFailed

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {CSV: "csv", XLSX: "xlsx"}

# Far more than a valid row (its text is at most 1,000 characters), far less than csv's
# own field limit (131,072): an unterminated quote is stopped here, not at the end of the file.
MAX_ROW_CHARS = 16_384
MAX_LINE_BYTES = 4 * MAX_ROW_CHARS
BOM = codecs.BOM_UTF8
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # a 64 MiB workbook of text unpacks to a few hundred MiB


class Row(NamedTuple):
    line: int
    cells: list[str] | None  # None when the row could not be read
    error: str | None = None


def detect_encoding(chunks: Iterable[bytes]) -> str:
    """'utf-8' if the whole file is UTF-8 (a BOM allowed), else 'gb18030' if it is that, else 'mixed'."""
    chunks = list(chunks) if not isinstance(chunks, list) else chunks
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            for chunk in chunks:
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "mixed"


class EncodingSniffer:
    """The same test as detect_encoding, fed chunk by chunk as an upload streams in."""

    def __init__(self):
        self._decoders = {e: codecs.getincrementaldecoder(e)("strict") for e in ("utf-8", "gb18030")}

    def feed(self, chunk: bytes, final: bool = False) -> None:
        for encoding, decoder in list(self._decoders.items()):
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError:
                del self._decoders[encoding]

    def result(self) -> str:
        self.feed(b"", final=True)
        return next(iter(self._decoders), "mixed")


def rows(kind: str, chunks: Iterable[bytes], encoding: str) -> Iterator[Row]:
    """Every row, the header first; kind 'csv' or 'xlsx'."""
    if kind == "xlsx":
        return _xlsx_rows(b"".join(chunks))
    return _csv_rows(_text_lines(_byte_lines(chunks), encoding))


def _byte_lines(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    """Physical lines (newline kept); None for a line longer than MAX_LINE_BYTES (its bytes dropped)."""
    buf, skipping = b"", False
    for chunk in chunks:
        buf += chunk
        start = 0
        while True:
            end = buf.find(b"\n", start)
            if end < 0:
                break
            if skipping:
                skipping = False  # the end of a line already reported as too long
            else:
                yield buf[start:end + 1] if end + 1 - start <= MAX_LINE_BYTES else None
            start = end + 1
        buf = buf[start:]
        if len(buf) > MAX_LINE_BYTES:
            if not skipping:
                yield None
            buf, skipping = b"", True
    if buf and not skipping:
        yield buf


def _text_lines(lines: Iterator[bytes | None], encoding: str) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text or None, error); GB18030 tried after UTF-8 when the file is neither throughout."""
    order = ("gb18030",) if encoding == "gb18030" else ("utf-8", "gb18030")
    for number, raw in enumerate(lines, start=1):
        if raw is None:
            yield number, None, f"The line is longer than {MAX_LINE_BYTES} bytes."
            continue
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        for enc in order:
            try:
                yield number, raw.decode(enc), None
                break
            except UnicodeDecodeError:
                continue
        else:
            yield number, None, "The line is neither UTF-8 nor GB18030 text."


class _Unreadable(Exception):
    pass


class _Lines:
    """The lines csv.reader pulls, remembering those of the row being read, so that a row that
    goes wrong is reported at its first line and the lines after that are read again."""

    def __init__(self, source: Iterator[tuple[int, str | None, str | None]]):
        self._source, self._back = source, deque()
        self.taken: list[tuple[int, str | None, str | None]] = []
        self.chars, self.hit_end = 0, False

    def start_row(self) -> None:
        self.taken, self.chars, self.hit_end = [], 0, False

    def again_after_first(self) -> None:
        self._back.extendleft(reversed(self.taken[1:]))

    def __iter__(self):
        return self

    def __next__(self) -> str:
        item = self._back.popleft() if self._back else next(self._source, None)
        if item is None:
            self.hit_end = True
            raise StopIteration
        self.taken.append(item)
        number, text, error = item
        if text is None:
            raise _Unreadable(error)
        self.chars += len(text)
        if self.chars > MAX_ROW_CHARS:
            raise _Unreadable(f"The row is longer than {MAX_ROW_CHARS} characters (is a quote left open?).")
        return text


def _csv_rows(source: Iterator[tuple[int, str | None, str | None]]) -> Iterator[Row]:
    lines = _Lines(source)
    reader = csv.reader(lines)
    while True:
        lines.start_row()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (_Unreadable, csv.Error) as exc:
            yield _failed(lines, str(exc))
            continue
        first = lines.taken[0][0]
        if lines.hit_end and sum(t.count('"') for _, t, _ in lines.taken) % 2:
            yield _failed(lines, "A quote is opened and never closed.")
            continue
        yield Row(first, cells)


def _failed(lines: _Lines, error: str) -> Row:
    """The row that went wrong, at its first line; its other lines are read again as rows of their own.
    An unreadable line that ended it is reported on its own line (and not read again)."""
    first_number, _, first_error = lines.taken[0]
    if first_error is not None:
        return Row(first_number, None, first_error)
    if len(lines.taken) > 1 and lines.taken[-1][1] is None:
        lines.taken.pop()
        lines.again_after_first()
        return Row(first_number, None, "The row's quoted text runs into a line that is not text.")
    lines.again_after_first()
    return Row(first_number, None, error)


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:
        raise ValidationFailed({"file": ["This is not a readable Excel .xlsx workbook."]}) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ValidationFailed({"file": [f"The workbook unpacks to more than {MAX_XLSX_UNPACKED // 2**20} MiB."]})
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        width = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            width = len(cells) if width is None else width
            if cells and len(cells) < width:  # empty cells at the end of a row are not written to the file
                cells += [""] * (width - len(cells))
            yield Row(number, cells)
        book.close()
    except Exception:  # any way a file can fail to be a workbook (zip, XML, missing parts)
        raise ValidationFailed({"file": ["This is not a readable Excel .xlsx workbook."]}) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a worker id typed as a number: 1001, not 1001.0
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)
