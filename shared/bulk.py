"""Many rows into one table at once, inside the caller's transaction.

On PostgreSQL through COPY, the rows sent as one text buffer (no statement per row, no parameter
limit); elsewhere through one executemany INSERT. The rows are dicts keyed by column name, every
row with the same columns; values are text, numbers, booleans, aware datetimes or None.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off for a piece of bulk work, on again after (if it was on).

    Work that keeps some 10^5 to 10^6 objects alive while making more (a draw of 100,000 applicants)
    sets off full collections that walk all of them again and again: a quarter of a second of a 3 s
    draw. Nothing such work makes is freed only by the collector: reference counting frees it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def insert_rows(db: Session | Connection, table: Table, rows: list[dict]) -> None:
    if rows:
        insert_columns(db, table, {c: [row[c] for row in rows] for c in rows[0]})


def insert_columns(db: Session | Connection, table: Table, columns: dict[str, list]) -> None:
    """The same rows given column by column (name -> one value per row, every list as long): what a
    caller that works out a column at a time has already, without a dict per row."""
    count = len(next(iter(columns.values()), []))
    if not count:
        return
    conn = db.connection() if isinstance(db, Session) else db
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), [dict(zip(columns, values)) for values in zip(*columns.values())])
        return
    names = ", ".join(f'"{c}"' for c in columns)
    texts = [_texts(values) for values in columns.values()]  # column by column: one conversion each
    buffer = "\n".join(map("\t".join, zip(*texts))) + "\n"
    with conn.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            copy.write(buffer.encode())


def _texts(values: list) -> list[str]:
    """One column's values in COPY's text format (\\N for None)."""
    kind = next((type(v) for v in values if v is not None), str)
    if kind is bool:
        return ["\\N" if v is None else "t" if v else "f" for v in values]
    if kind in (int, float):
        return ["\\N" if v is None else repr(v) for v in values]
    if issubclass(kind, datetime):
        if any(v is not None and v.tzinfo is None for v in values):
            raise ValueError("naive datetime given to a bulk insert")
        seen: dict = {}  # a draw stamps every row with the same few times
        return ["\\N" if v is None else seen.get(v) or seen.setdefault(v, v.isoformat()) for v in values]
    joined = "".join(str(v) for v in values if v is not None)  # one scan: most columns need no escapes
    if any(ch in joined for ch in "\\\t\n\r"):
        return ["\\N" if v is None else str(v).translate(_ESCAPES) for v in values]
    return ["\\N" if v is None else str(v) for v in values]
