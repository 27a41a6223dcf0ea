"""Matching at campaign size on PostgreSQL: prints figures, asserts nothing.

10,500 workers, 32,659 needs (9,953 from interviews, 22,706 online, both through
the CSV import endpoint), 500 offers applied through the offer.published handler.
Set BENCH_MATCHING_DATABASE_URL to choose the database (default: unionhub_bench
on the local server; it is emptied first).
"""
from __future__ import annotations

import io
import csv
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402
from werkzeug.test import Client  # noqa: E402

from bench.common import fresh_database, header, median, percentile  # noqa: E402
from services.demo import population  # noqa: E402
from services.matching.app import create_app  # noqa: E402
from services.matching.classify import classify  # noqa: E402
from services.matching.models import Need, Profile  # noqa: E402
from services.matching.readmodel import apply_offer_event  # noqa: E402
from services.matching.worker import build_runners  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.config import ServiceConfig  # noqa: E402
from shared.db import database_of  # noqa: E402
from shared.eligibility import ymd  # noqa: E402
from shared.event_types import OfferEvent  # noqa: E402
from shared.events import Envelope  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import local_today, utcnow  # noqa: E402
from shared.vocab import DEFAULT_CATEGORIES, DISTRICTS, OFFER_KINDS  # noqa: E402

WORKERS, INTERVIEW_NEEDS, ONLINE_NEEDS, OFFERS = 10_500, 9_953, 22_706, 500
SECRET = "bench-secret-0123456789abcdef-0123456789"
TITLES = {"health_checkup": "职工免费体检", "rest_trip": "两天一晚疗休养", "night_class": "职工夜校",
          "talent_apartment": "青年人才公寓", "after_school_class": "三点半课堂"}


def offer_event(i: int, rng: random.Random, title: str | None = None) -> Envelope:
    kind = OFFER_KINDS[i % len(OFFER_KINDS)]
    district = rng.choice(list(DISTRICTS))
    categories = list(DEFAULT_CATEGORIES[kind])
    if kind == "rest_trip" and rng.random() < 0.5:
        categories.append("health_checkup")
    elig = {"min_age": None, "max_age": 40 if rng.random() < 0.4 else None,
            "worker_categories": ["new_employment"] if rng.random() < 0.2 else [],
            "districts": rng.sample(list(DISTRICTS), rng.randint(1, 3)) if rng.random() < 0.15 else [],
            "members_only": rng.random() < 0.2}
    now = utcnow()
    sessions = [{"session_id": f"bs-{i}-{k}", "starts_at": (now + timedelta(days=rng.randint(1, 60))).isoformat(),
                 "ends_at": (now + timedelta(days=61)).isoformat(), "capacity": rng.randint(20, 300)}
                for k in range(rng.randint(1, 4))]
    return Envelope(type=OfferEvent.PUBLISHED, source="catalog", data={
        "offer_id": f"bo-{i:04d}", "revision": 1, "union_id": f"u-ent-{i % 40}",
        "union_path": ["u-suzhou", f"u-{district}", f"u-ent-{i % 40}"], "kind": kind,
        "title": title or f"{DISTRICTS[district]}{TITLES[kind]}（第{i}期）",
        "description": "工会为青年职工提供的服务，" + TITLES[kind], "categories": categories, "district": district,
        "address": "", "eligibility": elig, "per_worker_limit": None, "waitlist": True, "status": "published",
        "published_at": now.isoformat(), "sessions": sessions})


def csv_body(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["worker_id", "text", "category", "source", "interview_point"])
    for r in rows:
        writer.writerow([r["worker_id"], r["text"], "", r["source"], r["interview_point"] or ""])
    return out.getvalue().encode()


def main() -> None:
    url = fresh_database("BENCH_MATCHING_DATABASE_URL", "unionhub_bench")
    upgrade("matching", url)
    app = create_app(ServiceConfig(name="matching", database_url=url, redis_url=None, jwt_secret=SECRET))
    db = database_of(app)
    client = Client(app)
    admin = {"Authorization": "Bearer " + issue_token(SECRET, "bench", "admin")}
    rng = random.Random(3)
    header("bench/matching.py")

    t0 = time.perf_counter()
    with db.transaction() as s:
        for i in range(OFFERS):
            apply_offer_event(s, offer_event(i, rng))
    print(f"offers applied through offer.published:  {OFFERS} in {time.perf_counter() - t0:.2f} s")

    people = population.workers(WORKERS, prefix="bw", today=local_today())
    with db.transaction() as s:
        s.execute(insert(Profile), [{**p, "birth_ymd": ymd(p["birth_date"]), "revision": 1} for p in people])
    ids = [p["worker_id"] for p in people]

    runners = build_runners(app.config["UNIONHUB"], db=db, redis=None)
    for label, count, source, seed in (("interview", INTERVIEW_NEEDS, "interview", 21), ("online", ONLINE_NEEDS, "online", 22)):
        body = csv_body(population.needs_for(ids, count, seed=seed, source=source))
        t0 = time.perf_counter()
        resp = client.post("/matching/needs/import", data=body, headers={**admin, "Content-Type": "text/csv"})
        took = time.perf_counter() - t0
        result = resp.get_json()
        assert resp.status_code == 200 and result["imported"] == count, result
        t1 = time.perf_counter()
        while sum(r.run_once(block_ms=0) for r in runners):
            pass  # relay + consumer: the match index catches up (needs.imported)
        caught_up = time.perf_counter() - t1
        print(f"CSV import ({label}, {count} rows):       request {took:.2f} s = {count / took:,.0f} rows/s; "
              f"match index caught up {caught_up:.2f} s later")

    texts = [t for t, _ in population.need_texts(ONLINE_NEEDS, seed=5)]
    t0 = time.perf_counter()
    for need_text in texts:
        classify(need_text)
    took = time.perf_counter() - t0
    print(f"classification:                          {len(texts) / took:,.0f} texts/s")

    with db.transaction() as s:
        total_needs = s.scalar(select(func.count()).select_from(Need))
        matches = s.scalar(text("SELECT count(*) FROM matching_matches"))
    print(f"population:                              {WORKERS} workers, {total_needs} needs, {OFFERS} offers, "
          f"{matches} (offer, worker) matches")

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        resp = client.get("/matching/demand?per_page=100", headers=admin)
        runs.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200 and resp.get_json()["total"] == OFFERS
    print(f"full demand table ({OFFERS} offers):        median {median(runs):.0f} ms, max {max(runs):.0f} ms")

    apply_ms, read_ms = [], []
    for k in range(5):
        env = offer_event(OFFERS + k, rng, title="新发布的网约车司机免费体检")
        t0 = time.perf_counter()
        with db.transaction() as s:
            apply_offer_event(s, env)
        apply_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        resp = client.get(f"/matching/offers/{env.data['offer_id']}/demand", headers=admin)
        read_ms.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
    print(f"new offer: index on publish              median {median(apply_ms):.0f} ms; "
          f"its demand read median {median(read_ms):.1f} ms")

    sample = rng.sample(ids, 400)
    lat = []
    for wid in sample:
        t0 = time.perf_counter()
        resp = client.get(f"/matching/workers/{wid}/recommendations", headers=admin)
        lat.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
    print(f"recommendations ({len(sample)} workers):         p50 {percentile(lat, 50):.1f} ms, "
          f"p99 {percentile(lat, 99):.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
