"""Needs import on PostgreSQL: a request's synchronous import by size, and large files as jobs.

Prints figures, asserts nothing about time. For each size: the time to accept the upload
(the request stores it and answers 202), the time the worker takes to run the job, rows/s.
Sizes in MB with BENCH_IMPORT_SIZES (default "24,64"; 64 means just under 64 MiB). Set
BENCH_IMPORTS_DATABASE_URL to choose the database (default: unionhub_bench_imports on the
local server; it is emptied first).
"""
from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import Client  # noqa: E402

from bench.common import fresh_database, header  # noqa: E402
from services.demo import population  # noqa: E402
from services.matching import imports  # noqa: E402
from services.matching.app import create_app  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.config import ServiceConfig  # noqa: E402
from shared.db import database_of  # noqa: E402

SECRET = "bench-secret-0123456789abcdef-0123456789"
MiB = 1024 * 1024


def csv_of_size(size: int, seed: int) -> tuple[bytes, int]:
    """A questionnaire export of about `size` bytes (no more): distinct texts, 30,000 workers."""
    rng = random.Random(seed)
    texts = [t for t, _ in population.need_texts(5000, seed=seed)]
    points = population.INTERVIEW_POINTS
    out, total, n = [b"worker_id,text,category,source,interview_point\r\n"], 0, 0
    total = len(out[0])
    while True:
        line = (f"bw-{rng.randrange(30_000)},{texts[n % len(texts)]}（{n}）,,interview,"
                f"{rng.choice(points)}\r\n").encode()
        if total + len(line) > size:
            return b"".join(out), n
        out.append(line)
        total += len(line)
        n += 1


def main() -> None:
    url = fresh_database("BENCH_IMPORTS_DATABASE_URL", "unionhub_bench_imports")
    from shared.migrate import upgrade

    upgrade("matching", url)
    app = create_app(ServiceConfig(name="matching", database_url=url, redis_url=None, jwt_secret=SECRET))
    db = database_of(app)
    client = Client(app)
    auth = {"Authorization": "Bearer " + issue_token(SECRET, "bench", "staff", "u-sip")}
    header("bench/imports.py")

    imports.SYNC_MAX_BYTES = 16 * MiB  # to measure the synchronous path beyond its limit
    for mb in (1, 2, 4):
        body, rows = csv_of_size(mb * MiB, seed=mb)
        t0 = time.perf_counter()
        resp = client.post("/matching/needs/import?async=false", data=body,
                           headers={**auth, "Content-Type": "text/csv"})
        took = time.perf_counter() - t0
        assert resp.status_code == 200 and resp.get_json()["imported"] == rows, resp.get_data(as_text=True)[:300]
        print(f"synchronous, {mb} MiB ({rows:,} rows):            {took:.2f} s = {rows / took:,.0f} rows/s")

    sizes = [int(s) for s in os.environ.get("BENCH_IMPORT_SIZES", "24,64").split(",")]
    for mb in sizes:
        size = 64 * MiB - 1 if mb == 64 else mb * 1000 * 1000
        body, rows = csv_of_size(size, seed=mb)
        t0 = time.perf_counter()
        resp = client.post("/matching/needs/import", data=body,
                           headers={**auth, "Content-Type": "text/csv", "Prefer": "respond-async"})
        accepted = time.perf_counter() - t0
        assert resp.status_code == 202, resp.get_data(as_text=True)[:300]
        t1 = time.perf_counter()
        while imports.run_next(db):
            pass
        ran = time.perf_counter() - t1
        job = client.get(resp.headers["Location"], headers=auth).get_json()
        assert job["status"] == "done" and job["imported"] == rows, job
        print(f"job, {len(body) / MiB:.1f} MiB ({rows:,} rows):  accepted in {accepted:.2f} s; "
              f"run by the worker in {ran:.1f} s = {rows / ran:,.0f} rows/s; "
              f"done {accepted + ran:.1f} s after the upload began")
    db.dispose()


if __name__ == "__main__":
    main()
