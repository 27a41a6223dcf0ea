"""The rush: N workers sign up at once for one session of capacity C.

Runs against the production topology (gunicorn + the booking worker, PostgreSQL,
Redis) and against the all-in-one server (SQLite, fakeredis), each started here.
Prints sign-ups/s, p50/p99 latency and the healthz rate measured with the same
client, then checks the invariants in the database. Asserts nothing about time.
On Linux it also prints the CPU each request cost, by process group (server,
PostgreSQL, Redis, the load client): on cores they all share, that is what
bounds both rates.

    python bench/rush.py [--n 10000] [--capacity 2000] [--topology both|prod|allinone]
                         [--worker-class sync|gthread] [--workers 4] [--threads 1]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from bench.common import fresh_database, percentile  # noqa: E402
from bench.cputime import CpuMeter, available, named, tree  # noqa: E402
from bench.loadclient import json_request, load  # noqa: E402
from services.booking.models import Booking, Profile  # noqa: E402
from services.booking.readmodel import apply_offer_event  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.event_types import OfferEvent  # noqa: E402
from shared.events import Envelope  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import utcnow  # noqa: E402

SECRET = "rush-secret-0123456789abcdef-0123456789"
SESSION, OFFER = "rush-session", "rush-offer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str, n: int, capacity: int) -> None:
    upgrade("booking", url)
    db = Database(url)
    starts = utcnow() + timedelta(days=3)
    with db.transaction() as s:
        apply_offer_event(s, Envelope(type=OfferEvent.PUBLISHED, source="catalog", data={
            "offer_id": OFFER, "revision": 1, "union_path": ["u-suzhou"], "title": "网约车司机免费体检（抢报）",
            "status": "published", "eligibility": {"max_age": 40}, "per_worker_limit": None, "waitlist": True,
            "sessions": [{"session_id": SESSION, "starts_at": starts.isoformat(), "capacity": capacity}]}))
    db.dispose()
    seed_profiles(url, [f"rw{i:05d}" for i in range(n)])


def seed_profiles(url: str, worker_ids: list[str]) -> None:
    """Booking's read model of these workers' profiles: 30 years old, eligible for the rush's offer."""
    db = Database(url)
    with db.transaction() as s:
        s.execute(insert(Profile), [{"worker_id": w, "revision": 1, "birth_date": date(1996, 3, 1),
                                     "district": "sip", "worker_category": "ride_hailing_driver",
                                     "union_member": True} for w in worker_ids])
    db.dispose()


def wait_ready(port: int, procs, timeout: float = 60, service: str = "booking") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{service}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.3)
    raise SystemExit("the server did not become ready; see its log")


def measure(port: int, n: int, concurrency: int, meter: CpuMeter) -> dict:
    time.sleep(2)  # every worker process has finished booting, not just the first
    load("127.0.0.1", port, [("GET", "/booking/healthz", {}, None)] * 2000, concurrency)  # warm-up
    before = meter.snapshot()
    health = load("127.0.0.1", port, [("GET", "/booking/healthz", {}, None)] * n, concurrency)
    health_cpu = meter.per_request(before, meter.snapshot(), n)
    requests = [json_request("POST", "/booking/bookings", issue_token(SECRET, f"rw{i:05d}", "worker"),
                             {"session_id": SESSION}) for i in range(n)]
    before = meter.snapshot()
    rush = load("127.0.0.1", port, requests, concurrency)
    rush_cpu = meter.per_request(before, meter.snapshot(), n)
    lat = [r.latency_ms for r in rush.results]
    statuses = {}
    for r in rush.results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return {"healthz_rate": health.rate, "rate": rush.rate, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
            "statuses": statuses, "healthz_cpu": health_cpu, "rush_cpu": rush_cpu,
            "confirmed_answers": sum(1 for r in rush.results if r.status == 201 and
                                     json.loads(r.body)["status"] == "confirmed")}


def invariants(url: str, n: int, capacity: int) -> dict:
    engine = create_engine(url)
    with engine.connect() as c:
        counts = dict(c.execute(select(Booking.status, func.count()).group_by(Booking.status)).all())
        seqs = [r[0] for r in c.execute(select(Booking.waitlist_seq).where(Booking.status == "waitlisted")
                                        .order_by(Booking.waitlist_seq))]
        dupes = c.execute(select(func.count()).select_from(
            select(Booking.worker_id).group_by(Booking.session_id, Booking.worker_id)
            .having(func.count() > 1).subquery())).scalar()
        row = c.execute(text("SELECT confirmed, waitlisted FROM booking_sessions WHERE session_id = :s"),
                        {"s": SESSION}).one()
    engine.dispose()
    return {"confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0),
            "positions_ok": seqs == list(range(1, n - capacity + 1)), "duplicates": dupes,
            "counters_ok": tuple(row) == (counts.get("confirmed", 0), counts.get("waitlisted", 0))}


def report(title: str, m: dict, inv: dict, n: int, capacity: int) -> bool:
    five = sum(v for k, v in m["statuses"].items() if k >= 500)
    ok = (inv["confirmed"] == capacity and inv["waitlisted"] == n - capacity and inv["positions_ok"]
          and inv["duplicates"] == 0 and inv["counters_ok"] and five == 0 and m["confirmed_answers"] == capacity)
    print(f"[{title}]")
    print(f"  GET /booking/healthz: {m['healthz_rate']:8.0f} req/s")
    print(f"  sign-ups:             {m['rate']:8.0f} /s  ({m['rate'] / m['healthz_rate']:.0%} of healthz), "
          f"p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms")
    print(f"  answers: {dict(sorted(m['statuses'].items()))}; confirmed {inv['confirmed']} (C={capacity}), "
          f"waitlisted {inv['waitlisted']} (N-C={n - capacity}), positions 1..N-C {'yes' if inv['positions_ok'] else 'NO'}, "
          f"duplicates {inv['duplicates']}, 5xx {five} -> {'OK' if ok else 'INVARIANT BROKEN'}")
    if available():
        for label, cpu in (("healthz", m["healthz_cpu"]), ("sign-up", m["rush_cpu"])):
            parts = ", ".join(f"{group} {ms:.2f}" for group, ms in cpu.items())
            print(f"  CPU per {label:8s} {sum(cpu.values()):5.2f} ms = {parts}")
        server = next(iter(m["healthz_cpu"]))  # the first group is the server under test
        h, r = m["healthz_cpu"], m["rush_cpu"]
        others = sum(v for k, v in r.items() if k != server)
        ceiling = sum(h.values()) / (h[server] + others)
        print(f"  ceiling: were a sign-up to cost {server} no more than healthz does, the rest "
              f"({others:.2f} ms) would still hold sign-ups to {ceiling:.0%} of healthz")
    return ok


@contextmanager
def booking_topology(url: str, name: str, redis_default: str, workers: int, threads: int = 1,
                     worker_class: str = "sync", secret: str = SECRET):
    """Booking as in production (gunicorn + its event worker) on `url`; yields (port, CPU meter), stops both."""
    port = free_port()
    env = {**os.environ, "BOOKING_DATABASE_URL": url, "REDIS_URL": os.environ.get("BENCH_REDIS_URL", redis_default),
           "EVENTS_STREAM_PREFIX": f"{name}-{uuid.uuid4().hex[:6]}", "JWT_SECRET": secret,
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
           "GUNICORN_WORKER_CLASS": worker_class, "DATA_DIR": tempfile.mkdtemp(prefix=f"{name}-")}
    log = open(Path(env["DATA_DIR"]) / "server.log", "w")
    bin_dir = Path(sys.executable).parent
    procs = [subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "deploy/gunicorn/booking.py",
                               'services.wsgi:create("booking")'], cwd=ROOT, env=env, stdout=log, stderr=log),
             subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "booking"], cwd=ROOT, env=env,
                              stdout=log, stderr=log)]
    meter = CpuMeter({"gunicorn": tree(procs[0].pid), "events worker": tree(procs[1].pid),
                      "postgres": named("postgres"), "redis": named("redis-server")})
    try:
        wait_ready(port, procs)
        yield port, meter
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        log.close()


def run_prod(args) -> bool:
    url = fresh_database("BENCH_RUSH_DATABASE_URL", "unionhub_rush")
    seed(url, args.n, args.capacity)
    with booking_topology(url, "rush", "redis://127.0.0.1:6379/3", args.workers, args.threads,
                          args.worker_class) as (port, meter):
        m = measure(port, args.n, args.concurrency, meter)
    title = (f"production topology: gunicorn {args.worker_class} {args.workers} workers"
             + (f" x {args.threads} threads" if args.worker_class == "gthread" else "") + ", PostgreSQL, Redis")
    return report(title, m, invariants(url, args.n, args.capacity), args.n, args.capacity)


def run_allinone(args) -> bool:
    data_dir = Path(tempfile.mkdtemp(prefix="rush-aio-"))
    url = f"sqlite:///{data_dir / 'booking.db'}"
    seed(url, args.n, args.capacity)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), DEMO="0", JWT_SECRET=SECRET)
    log = open(data_dir / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_ready(port, [proc])
        m = measure(port, args.n, args.concurrency, CpuMeter({"waitress (all-in-one)": tree(proc.pid)}))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return report("all-in-one (make run): waitress, SQLite, fakeredis", m, invariants(url, args.n, args.capacity),
                  args.n, args.capacity)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--capacity", type=int, default=2_000)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--topology", choices=("both", "prod", "allinone"), default="both")
    p.add_argument("--worker-class", default="sync", choices=("gthread", "sync"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("RUSH_WORKERS", 2 * (os.cpu_count() or 1))))
    p.add_argument("--threads", type=int, default=int(os.environ.get("RUSH_THREADS", 1)))
    args = p.parse_args()
    print(f"bench/rush.py -- {os.cpu_count()} cores; N={args.n} sign-ups, C={args.capacity} places, "
          f"{args.concurrency} concurrent keep-alive connections")
    ok = True
    if args.topology in ("both", "prod"):
        ok &= run_prod(args)
    if args.topology in ("both", "allinone"):
        ok &= run_allinone(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
