"""Reads of personal data at campaign size, by who asks: prints figures, asserts nothing.

10,500 workers (a share of them members of the demo's enterprise unions), 32,659
needs, 500 offers, the demo's union tree. For an admin and for staff of the city
federation, a district federation and an enterprise union: the needs list (first
page, with its total), unmet needs (first page), recommendations and a profile
read for workers the caller reaches. Staff reads go through the reach rule
(services/matching/reach.py) as SQL; an admin's do not. Runs on older code too
(without union_id or the union read model: then nobody's reads are filtered).
Set BENCH_REACH_DATABASE_URL to choose the database (default: unionhub_bench_reach).
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402
from werkzeug.test import Client  # noqa: E402

from bench.common import fresh_database, header, median, percentile  # noqa: E402
from bench.matching import INTERVIEW_NEEDS, OFFERS, ONLINE_NEEDS, SECRET, WORKERS, offer_event  # noqa: E402
from services.demo import population  # noqa: E402
from services.demo.catalog import UNIONS  # noqa: E402
from services.matching import matches, models  # noqa: E402
from services.matching.app import create_app  # noqa: E402
from services.matching.needs import new_need  # noqa: E402
from services.matching.readmodel import apply_offer_event  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.config import ServiceConfig  # noqa: E402
from shared.db import database_of  # noqa: E402
from shared.eligibility import ymd  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import local_today  # noqa: E402

HAS_REACH = hasattr(models.Profile, "union_id")
CALLERS = {"admin": None, "city (u-suzhou)": "u-suzhou", "district (u-sip)": "u-sip",
           "enterprise (u-boat)": "u-boat"}


def populate(db) -> list[str]:
    rng = random.Random(3)
    with db.transaction() as s:
        for i in range(OFFERS):
            apply_offer_event(s, offer_event(i, rng))
        if HAS_REACH:
            from services.demo.matching import union_of

            paths: dict[str, str] = {}
            for uid, _name, district, parent in UNIONS:
                paths[uid] = (paths[parent] if parent else "/") + uid + "/"
                s.execute(insert(models.Union), [{"union_id": uid, "parent_id": parent, "district": district,
                                                  "path": paths[uid]}])
    people = population.workers(WORKERS, prefix="bw", today=local_today())
    ids = [p["worker_id"] for p in people]
    rows = (population.needs_for(ids, INTERVIEW_NEEDS, seed=21, source="interview")
            + population.needs_for(ids, ONLINE_NEEDS, seed=22, source="online"))
    with db.transaction() as s:
        extra = (lambda p: {"union_id": union_of(p)}) if HAS_REACH else (lambda p: {})
        s.execute(insert(models.Profile), [{**p, "birth_ymd": ymd(p["birth_date"]), "revision": 1, **extra(p)}
                                           for p in people])
    for i in range(0, len(rows), 2000):
        with db.transaction() as s:
            batch = [new_need(r["worker_id"], r["text"], None, r["source"], r["interview_point"], "bench")
                     for r in rows[i:i + 2000]]
            s.execute(insert(models.Need), batch)
            matches.add_for_needs(s, [n["id"] for n in batch])
    with db.engine.connect() as conn:  # statistics, as autovacuum would gather them after a load
        conn.execute(text("ANALYZE"))
        conn.commit()
    return ids


def timed(client, path, headers, runs=5) -> tuple[float, dict]:
    took, body = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        resp = client.get(path, headers=headers)
        took.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_json()
    return median(took), body


def main() -> None:
    url = fresh_database("BENCH_REACH_DATABASE_URL", "unionhub_bench_reach")
    upgrade("matching", url)
    app = create_app(ServiceConfig(name="matching", database_url=url, redis_url=None, jwt_secret=SECRET))
    db = database_of(app)
    client = Client(app)
    header(f"bench/reach.py ({'reach rule' if HAS_REACH else 'no reach rule: older code'})")
    t0 = time.perf_counter()
    populate(db)
    print(f"population: {WORKERS} workers, {INTERVIEW_NEEDS + ONLINE_NEEDS} needs, {OFFERS} offers "
          f"in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(5)
    for label, union in CALLERS.items():
        token = issue_token(SECRET, "bench", "admin" if union is None else "staff", union)
        headers = {"Authorization": "Bearer " + token}
        needs_ms, needs = timed(client, "/matching/needs?per_page=20", headers)
        unmet_ms, unmet = timed(client, "/matching/unmet-needs?per_page=20", headers)
        reached = sorted({n["worker_id"] for n in client.get("/matching/needs?per_page=100", headers=headers)
                          .get_json()["items"]})
        sample = rng.sample(reached, min(len(reached), 50)) if reached else []
        rec, prof = [], []
        for wid in sample:
            t0 = time.perf_counter()
            assert client.get(f"/matching/workers/{wid}/recommendations", headers=headers).status_code == 200
            rec.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            assert client.get(f"/matching/workers/{wid}", headers=headers).status_code == 200
            prof.append((time.perf_counter() - t0) * 1000)
        print(f"{label:22} needs list {needs_ms:6.1f} ms (total {needs['total']:6d}); "
              f"unmet needs {unmet_ms:6.1f} ms ({unmet['total']:3d} groups); "
              f"recommendations p50 {percentile(rec, 50) if rec else 0:5.1f} ms; "
              f"profile p50 {percentile(prof, 50) if prof else 0:4.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
