"""The loop at campaign size on PostgreSQL: prints figures, asserts nothing.

Builds the campaign (10,500 workers, 32,659 needs received over 100 days) with the demo's
union tree, and puts the needs where a loop part-way through would have them (open,
assigned, responded, resolved with outcomes, fulfilled, withdrawn; answers from about
half the workers whose need was closed). Then measures, as the city federation's staff:
- GET /matching/reports/needs (JSON), for the city and for a district, and its CSV rows;
- the reports page /staff/reports (the pages calling the API in-process, as under `make run`);
- GET /matching/problems (the problem list);
and escalation of 10,000 overdue needs by matching's escalation step, one worker and then two.
Prints the load average before and after (the machine is shared).

    python bench/loop.py [--n 20]

Set BENCH_LOOP_DATABASE_URL to choose the database (default: unionhub_bench_loop on the
local server; it is emptied first).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update  # noqa: E402

from bench.common import fresh_database, header, percentile  # noqa: E402
from services import registry  # noqa: E402
from services.demo import catalog as demo_catalog  # noqa: E402
from services.demo import population  # noqa: E402
from services.demo.matching import union_of  # noqa: E402
from services.gateway import PrefixDispatcher  # noqa: E402
from services.matching import escalation  # noqa: E402
from services.matching.models import Need, Profile, Union  # noqa: E402
from services.matching.needstates import OUTCOMES  # noqa: E402
from services.web.config import WebConfig  # noqa: E402
from services.web.wsgi import mount  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.config import ServiceConfig  # noqa: E402
from shared.db import Database, database_of, new_id, to_path  # noqa: E402
from shared.eligibility import ymd  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import local_today, utcnow  # noqa: E402

WORKERS, NEEDS, ESCALATING = 10_500, 32_659, 10_000
SECRET = "bench-secret-0123456789abcdef-0123456789"
DISTRICT_UNION = {"gusu": "u-gusu", "sip": "u-sip", "xiangcheng": "u-xiangcheng", "wuzhong": "u-wuzhong",
                  "wujiang": "u-wujiang", "kunshan": "u-kunshan"}
STREET_LEVEL = ["u-sip-xietang", "u-didi", "u-bank", "u-logistics", "u-boat"]  # each has a union above it


def union_rows() -> list[dict]:
    parents = {uid: parent for uid, _n, _d, parent in demo_catalog.UNIONS}

    def path(uid):
        return path(parents[uid]) + [uid] if parents[uid] else [uid]

    return [{"union_id": uid, "parent_id": parent, "district": district, "path": to_path(path(uid))}
            for uid, _name, district, parent in demo_catalog.UNIONS]


def need_rows(people: list[dict], rng: random.Random) -> list[dict]:
    """The campaign's needs, received over 100 days, each somewhere in its loop."""
    now = utcnow()
    today = local_today()
    rows = []
    for text, category in population.need_texts(NEEDS, seed=5):
        person = rng.choice(people)
        created = now - timedelta(days=rng.uniform(0, 100))
        owner = union_of(person) or DISTRICT_UNION.get(person["district"], "u-suzhou")
        row = {"id": new_id("need"), "worker_id": person["worker_id"], "text": text, "category": category,
               "category_source": "inferred", "status": "open", "source": rng.choice(("online", "interview")),
               "recorded_by": "bench", "created_at": created, "version": 1, "offer_ids": []}
        roll = rng.random()
        if roll < 0.25:
            pass  # open
        elif roll < 0.95:
            answered = created + timedelta(hours=rng.uniform(2, 24 * 12))
            row.update(assigned_union_id=owner, due_date=today + timedelta(days=rng.randint(1, 30)),
                       status="assigned")
            if roll >= 0.45:
                row.update(status="responded", response="已联系，正在办理", first_response_at=answered)
            if roll >= 0.60:
                done = answered + timedelta(hours=rng.uniform(1, 24 * 40))
                fulfilled = roll >= 0.90
                row.update(status="fulfilled" if fulfilled else "resolved", resolved_at=done, due_date=None,
                           outcome="booked" if fulfilled else rng.choice(OUTCOMES))
                if rng.random() < 0.5:
                    row.update(satisfaction="satisfied" if rng.random() < 0.8 else "not_satisfied",
                               feedback_at=done + timedelta(hours=rng.uniform(1, 72)))
        else:
            row["status"] = "withdrawn"
        rows.append(row)
    return rows


def build(url: str) -> dict:
    configs = {name: ServiceConfig(name=name, database_url=url, redis_url=None, jwt_secret=SECRET,
                                   stream_prefix="bench-loop") for name in ("catalog", "matching")}
    for name in configs:
        upgrade(name, url)
    demo_catalog.load(configs["catalog"])
    apps = {name: registry.create_app(name, cfg) for name, cfg in configs.items()}
    db = database_of(apps["matching"])
    rng = random.Random(11)
    t0 = time.perf_counter()
    people = population.workers(WORKERS, prefix="bw", today=local_today())
    with db.transaction() as s:
        s.execute(insert(Union), union_rows())
        s.execute(insert(Profile), [{**p, "birth_ymd": ymd(p["birth_date"]), "revision": 1, "union_id": union_of(p)}
                                    for p in people])
        rows = need_rows(people, rng)
        for i in range(0, len(rows), 5000):
            s.execute(insert(Need), rows[i:i + 5000])
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"population: {WORKERS:,} workers, {len(rows):,} needs in the loop, built in "
          f"{time.perf_counter() - t0:.1f} s")
    site = PrefixDispatcher(apps)
    web = mount(site, WebConfig(api_url=None, secret_key="bench-web-secret-0123456789abcdef"))
    return {"apps": apps, "db": db, "web": web, "url": url}


def timed(label: str, call, n: int) -> None:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = call()
        times.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 200:
            print(f"{label:44} HTTP {resp.status_code}: {resp.get_data(as_text=True)[:200]}")
            return
    print(f"{label:44} p50 {percentile(times, 50):7.1f} ms   p99 {percentile(times, 99):7.1f} ms   "
          f"max {max(times):7.1f} ms   ({len(resp.get_data()) // 1024} KiB)")


def reports(world: dict, n: int) -> None:
    city = {"Authorization": "Bearer " + issue_token(SECRET, "bench-city", "staff", "u-suzhou")}
    sip = {"Authorization": "Bearer " + issue_token(SECRET, "bench-sip", "staff", "u-sip")}
    api = world["apps"]["matching"].test_client()
    api.get("/matching/reports/needs", headers=city)  # warm
    timed("report JSON, city federation", lambda: api.get("/matching/reports/needs", headers=city), n)
    timed("report JSON, city, last 30 days", lambda: api.get(
        f"/matching/reports/needs?from={local_today() - timedelta(days=30)}", headers=city), n)
    timed("report JSON, sip district (reach join)", lambda: api.get("/matching/reports/needs", headers=sip), n)
    timed("report rows CSV, city (every need)", lambda: api.get("/matching/reports/needs", headers={
        **city, "Accept": "text/csv"}), max(3, n // 5))
    timed("problem list JSON, city", lambda: api.get("/matching/problems", headers=city), n)
    pages = world["web"].test_client()
    with pages.session_transaction() as sess:
        now = int(time.time())
        sess.update(token=city["Authorization"][7:], iat=now, exp=now + 7200,
                    user={"id": "bench-city", "role": "staff", "union_id": "u-suzhou", "display_name": "市总",
                          "username": None})
    pages.get("/staff/reports")  # warm: templates, translations
    timed("reports page /staff/reports, city", lambda: pages.get("/staff/reports"), n)
    timed("problem list page /staff/problems, city", lambda: pages.get("/staff/problems"), n)


def overdue(db: Database) -> None:
    """ESCALATING needs assigned to street-level unions, past due a minute ago."""
    now = utcnow()
    with db.transaction() as s:
        ids = s.scalars(Need.__table__.select().with_only_columns(Need.id)
                        .order_by(Need.id).limit(ESCALATING)).all()
        for i, uid in enumerate(STREET_LEVEL):
            chunk = ids[i::len(STREET_LEVEL)]
            s.execute(update(Need).where(Need.id.in_(chunk)).values(
                status="assigned", assigned_union_id=uid, due_date=now.date(),
                escalate_at=now - timedelta(minutes=1), resolved_at=None, outcome=None)
                      .execution_options(synchronize_session=False))


def escalate(world: dict) -> None:
    db = world["db"]
    overdue(db)
    t0 = time.perf_counter()
    moved = escalation.run(db)
    took = time.perf_counter() - t0
    print(f"escalation, one worker:        {moved:,} needs in {took:.2f} s = {moved / took:,.0f} needs/s "
          f"(history rows and need.escalated events included)")
    overdue(db)
    databases = [Database(world["url"]) for _ in range(2)]
    moved2 = [0, 0]
    barrier = threading.Barrier(2)

    def worker(i):
        barrier.wait()
        moved2[i] = escalation.run(databases[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    for d in databases:
        d.dispose()
    print(f"escalation, two workers:       {sum(moved2):,} needs in {took:.2f} s "
          f"(split {moved2[0]:,} / {moved2[1]:,}; SKIP LOCKED: each once)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="requests per measurement")
    args = parser.parse_args()
    header("bench/loop.py")
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    world = build(fresh_database("BENCH_LOOP_DATABASE_URL", "unionhub_bench_loop"))
    reports(world, args.n)
    escalate(world)
    print("load average after:  %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
