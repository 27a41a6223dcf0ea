"""Notify at campaign size on PostgreSQL and Redis: prints figures, asserts nothing about time.

10,500 workers, 32,659 needs and 500 offers in matching (as bench/matching.py; loaded directly,
offers first so that loading tells nobody); a fifth of the workers have a phone and a WeChat
openid in notify. Then one new offer serving about 5,000 workers' open needs is published: its
`offer.published` goes onto catalog's stream, and the time runs until every eligible worker has the
notification in its inbox. In between, as in production, each in its own process
(`python -m services.cli worker matching|notify`): matching's consumer applies the offer (match
index, then answers.py writes offer.matches_need events to its outbox), matching's relay moves
them to its stream, notify's consumer puts them in the inbox (and queues the channel sends).

    .venv/bin/python bench/notify.py
BENCH_NOTIFY_DATABASE_URL, BENCH_NOTIFY_MATCHING_DATABASE_URL (default unionhub_bench_notify and
unionhub_bench_notify_m on the local server; both emptied first) and BENCH_REDIS_URL
(default redis://127.0.0.1:6379/3) choose the servers.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.common import fresh_database, header  # noqa: E402
from bench.matching import OFFERS, offer_event  # noqa: E402
from services.demo import population  # noqa: E402
from services.matching.models import Need, Profile  # noqa: E402
from services.matching.needs import add_needs, new_need  # noqa: E402
from services.matching.readmodel import apply_offer_event  # noqa: E402
from services.notify.models import Delivery, Notification, Preference  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.eligibility import ymd  # noqa: E402
from shared.events import Envelope, stream_name  # noqa: E402
from shared.events.streams import connect_redis  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import local_today, utcnow  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # 1: the campaign; less only to try the script out
WORKERS, INTERVIEW_NEEDS, ONLINE_NEEDS = int(10_500 * SCALE), int(9_953 * SCALE), int(22_706 * SCALE)
TARGET = int(5_000 * SCALE)
BATCH = 2_000
LOG = ROOT / "var" / "bench-notify.log"


def load_matching(db: Database) -> list[str]:
    rng = random.Random(3)
    with db.transaction() as s:  # offers first: no need yet, so publishing them tells nobody
        for i in range(OFFERS):
            apply_offer_event(s, offer_event(i, rng))
    people = population.workers(WORKERS, prefix="bw", today=local_today())
    ids = [p["worker_id"] for p in people]
    rows = (population.needs_for(ids, ONLINE_NEEDS, seed=22, source="online")
            + population.needs_for(ids, INTERVIEW_NEEDS, seed=21, source="interview"))
    now = utcnow()
    with db.transaction() as s:
        s.execute(insert(Profile), [{**p, "birth_ymd": ymd(p["birth_date"]), "revision": 1, "created_at": now,
                                     "updated_at": now, "union_id": None} for p in people])
    for i in range(0, len(rows), BATCH):
        with db.transaction() as s:
            add_needs(s, [new_need(r["worker_id"], r["text"], None, r["source"], r["interview_point"], "bench")
                          for r in rows[i:i + BATCH]])
    return ids


def pick_categories(db: Database) -> tuple[list[str], int]:
    """The categories whose open needs come from about TARGET workers (at least), and that count."""
    with db.transaction() as s:
        by_category = dict(s.execute(select(Need.category, func.count(func.distinct(Need.worker_id)))
                                     .where(Need.status == "open").group_by(Need.category)).all())
        chosen: list[str] = []
        for category, _ in sorted(by_category.items(), key=lambda kv: -kv[1]):
            chosen.append(category)
            served = s.scalar(select(func.count(func.distinct(Need.worker_id)))
                              .where(Need.status == "open", Need.category.in_(chosen)))
            if served >= TARGET:
                return chosen, served
    return chosen, served


def the_offer(categories: list[str]) -> Envelope:
    now = utcnow()
    return Envelope(type="offer.published", source="catalog", data={
        "offer_id": f"bench-answer-{uuid.uuid4().hex[:8]}", "revision": 1, "union_id": "u-suzhou",
        "union_path": ["u-suzhou"], "kind": "health_checkup", "title": "苏州市青年职工健康关爱行动",
        "description": "免费体检与心理疏导", "categories": categories, "district": "gusu", "address": "工人文化宫",
        "eligibility": {"min_age": None, "max_age": None, "worker_categories": [], "districts": [],
                        "members_only": False},
        "per_worker_limit": None, "waitlist": True, "status": "published", "published_at": now.isoformat(),
        "sessions": [{"session_id": "bench-answer-s1", "starts_at": (now + timedelta(days=10)).isoformat(),
                      "ends_at": (now + timedelta(days=10, hours=4)).isoformat(), "capacity": 2000}]})


def wait_for_groups(redis, stream: str, groups: set[str], procs, timeout: float = 180) -> None:
    """Until both workers are up: their consumer groups exist on catalog's stream."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit(f"a worker exited; see {LOG}")
        try:
            if groups <= {g["name"] for g in redis.xinfo_groups(stream)}:
                return
        except Exception:  # the stream is not there yet
            pass
        time.sleep(0.2)
    raise SystemExit(f"the workers did not start in {timeout:.0f} s; see {LOG}")


def main() -> None:
    matching_url = fresh_database("BENCH_NOTIFY_MATCHING_DATABASE_URL", "unionhub_bench_notify_m")
    notify_url = fresh_database("BENCH_NOTIFY_DATABASE_URL", "unionhub_bench_notify")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    prefix = f"bench-notify-{uuid.uuid4().hex[:6]}"
    upgrade("matching", matching_url)
    upgrade("notify", notify_url)
    header("bench/notify.py")
    mdb, ndb = Database(matching_url), Database(notify_url)

    t0 = time.perf_counter()
    ids = load_matching(mdb)
    with ndb.transaction() as s:
        s.execute(insert(Preference), [{"worker_id": w, "sms": True, "wechat": True, "phone": "+8613900000000",
                                        "wechat_openid": f"o{w}", "updated_at": utcnow()} for w in ids[::5]])
    categories, expected = pick_categories(mdb)
    print(f"population: {WORKERS} workers, {INTERVIEW_NEEDS + ONLINE_NEEDS} needs, {OFFERS} offers "
          f"(loaded in {time.perf_counter() - t0:.0f} s); {len(ids[::5])} workers with SMS and WeChat")
    print(f"the new offer serves {', '.join(categories)}: {expected} workers with open needs, all eligible")

    env = {**os.environ, "MATCHING_DATABASE_URL": matching_url, "NOTIFY_DATABASE_URL": notify_url,
           "REDIS_URL": redis_url, "EVENTS_STREAM_PREFIX": prefix, "JWT_SECRET": "b" * 40, "LOG_LEVEL": "WARNING"}
    LOG.parent.mkdir(exist_ok=True)
    log = open(LOG, "w")
    workers = [subprocess.Popen([sys.executable, "-m", "services.cli", "worker", svc], cwd=ROOT, env=env,
                                stdout=log, stderr=log) for svc in ("matching", "notify")]
    redis = connect_redis(redis_url)
    try:
        wait_for_groups(redis, stream_name(prefix, "catalog"), {"matching", "notify"}, workers)
        offer = the_offer(categories)
        load_before = os.getloadavg()
        start = time.perf_counter()
        redis.xadd(stream_name(prefix, "catalog"), offer.to_fields())
        first = None
        while True:
            with ndb.transaction() as s:
                got = s.scalar(select(func.count()).select_from(Notification)
                               .where(Notification.trigger == f"offer.matches_need:{offer.data['offer_id']}"))
            if got and first is None:
                first = time.perf_counter() - start
            if got >= expected or time.perf_counter() - start > 300:
                break
            time.sleep(0.05)
        took = time.perf_counter() - start
        load_after = os.getloadavg()
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.wait(timeout=20)
        log.close()
    print(f"published -> first notification in an inbox:  {first:.2f} s")
    print(f"published -> all {got} of {expected} inboxes:        {took:.2f} s  (target under 10 s)")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} cores "
          f"shared with other work")
    with ndb.transaction() as s:
        queued = s.scalar(select(func.count()).select_from(Delivery))
    print(f"channel sends queued with them: {queued} (SMS and WeChat of the workers with an address; notify's "
          f"worker sends them afterwards, here to its log: {LOG.relative_to(ROOT)})")
    mdb.dispose()
    ndb.dispose()


if __name__ == "__main__":
    main()
