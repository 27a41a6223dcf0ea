"""The ballot at campaign size: N applications for C places, against a first-come rush in the same run.

On the production topology (gunicorn + the booking worker, PostgreSQL, Redis), with the client of
bench/rush.py: first GET /booking/healthz, then a first-come rush of N sign-ups for one session of
capacity C, then N applications to a ballot session of capacity C (the same N workers). Then the
servers stop and the draw runs here, timed from the poller's call to its commit, every result
written: N bookings offered or waitlisted, each with its entry in the draw, the events (one per
winner, the losers 500 to an event), the counters and the published record. Prints the rates, p50/p99, the draw's time by phase, the published document's size and the
time to verify it; checks the invariants. Asserts nothing about time (the target is a draw under 3 s).
The machine's load average is printed with the figures: on a shared machine it says what else ran.

    python bench/ballot.py [--n 100000] [--capacity 2000] [--workers 4]
    python bench/ballot.py --draw-only [--n 100000]   # the applications written straight to the
                                                      # database (no HTTP), then the draw alone
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.common import fresh_database, percentile  # noqa: E402
from bench.cputime import CpuMeter  # noqa: E402
from bench.loadclient import json_request, load  # noqa: E402
from bench.rush import booking_topology  # noqa: E402
from services.booking import drawdoc, drawrun  # noqa: E402
from services.booking.models import Booking, Draw, OpenNeeds, Profile, BookableSession, outbox  # noqa: E402
from services.booking.readmodel import apply_offer_event  # noqa: E402
from shared import draw  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.bulk import insert_rows  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events import Envelope  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.timeutil import utcnow  # noqa: E402
from shared.vocab import DISTRICTS, WORKER_CATEGORIES  # noqa: E402

SECRET = "ballot-secret-0123456789abcdef-012345"
RUSH, BALLOT, PAST = "bl-rush", "bl-ballot", "bl-past"


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def offer_event(offer_id: str, session_id: str, starts, capacity: int, ballot: dict | None = None,
                seed: str | None = None) -> Envelope:
    data = {"offer_id": offer_id, "revision": 1, "union_path": ["u-suzhou"], "title": "网约车司机免费体检",
            "kind": "health_checkup", "categories": ["health_checkup"], "status": "published",
            "eligibility": {"max_age": 40}, "per_worker_limit": None, "waitlist": True,
            "allocation": ballot or {"mode": "first_come"},
            "sessions": [{"session_id": session_id, "starts_at": starts.isoformat(),
                          "ends_at": (starts + timedelta(hours=4)).isoformat(), "capacity": capacity}]}
    if seed:
        data["ballot_seed"] = seed
    return Envelope(type="offer.published", source="catalog", data=data)


def seed(url: str, workers: list[str], capacity: int) -> str:
    """Two offers (first come, ballot with a quota and priority), the workers' profiles and open needs,
    and a history: some were served by a checkup in the last year, some did not come to one."""
    upgrade("booking", url)
    db = Database(url)
    now, starts = utcnow(), utcnow() + timedelta(days=3)
    secret = draw.new_seed()
    ballot = {"mode": "ballot", "applications_open_at": (now - timedelta(hours=1)).isoformat(),
              "applications_close_at": (now + timedelta(hours=2)).isoformat(), "accept_within_hours": 48,
              "priority_worker_categories": ["new_employment"], "period_days": 365,
              "quotas": [{"worker_categories": [], "districts": ["gusu"], "share": 0.2}],
              "seed_sha256": draw.seed_sha256(secret)}
    rng = random.Random(12)
    with db.transaction() as s:
        apply_offer_event(s, offer_event("bl-offer-rush", RUSH, starts, capacity))
        apply_offer_event(s, offer_event("bl-offer-ballot", BALLOT, starts, capacity, ballot, secret))
        apply_offer_event(s, offer_event("bl-offer-past", PAST, now + timedelta(days=1), 10 ** 6))
        s.execute(insert(Profile), [{"worker_id": w, "revision": 1, "birth_date": date(1996, 3, 1),
                                     "district": rng.choice(list(DISTRICTS)),
                                     "worker_category": rng.choice(WORKER_CATEGORIES), "union_member": True}
                                    for w in workers])
        s.execute(insert(OpenNeeds), [{"worker_id": w, "categories": ",health_checkup,", "as_of": now}
                                      for w in workers if rng.random() < 0.4])
        history = []
        for w in workers:
            roll = rng.random()
            if roll < 0.08:  # a checkup 100 days ago (served), or did not come to one (no-show)
                history.append({"id": f"bkg_past_{w}", "session_id": PAST, "offer_id": "bl-offer-past",
                                "worker_id": w, "status": "attended" if roll < 0.06 else "no_show",
                                "session_starts_at": now - timedelta(days=100), "version": 2, "created_by": w,
                                "created_at": now - timedelta(days=110), "updated_at": now - timedelta(days=100)})
        s.execute(insert(Booking), history)
    db.dispose()
    return secret


def applications(url: str, workers: list[str], secret: str) -> None:
    """--draw-only: the N applications as the HTTP intake leaves them (bookings applied with their pseudonym
    and u, the counter), written by COPY instead of N requests, in a random order as they would arrive."""
    workers = random.Random(7).sample(workers, len(workers))
    db = Database(url)
    now, starts = utcnow(), utcnow() + timedelta(days=3)
    with db.transaction() as s:
        insert_rows(s, Booking.__table__, [
            {"id": f"bkg_bl_{w}", "session_id": BALLOT, "offer_id": "bl-offer-ballot", "worker_id": w,
             "status": "applied", "session_starts_at": starts, "version": 1, "created_by": w,
             "created_at": now, "updated_at": now, "ballot_applicant": draw.applicant(BALLOT, w),
             "ballot_u": draw.uniform(secret, BALLOT, draw.applicant(BALLOT, w))} for w in workers])
        s.execute(text("UPDATE booking_sessions SET applied = :n WHERE session_id = :s"), {"n": len(workers), "s": BALLOT})
        s.execute(text("ANALYZE"))
    db.dispose()


def measure(port: int, workers: list[str], concurrency: int, meter: CpuMeter) -> dict:
    time.sleep(2)  # every worker process has finished booting
    load("127.0.0.1", port, [("GET", "/booking/healthz", {}, None)] * 2000, concurrency)  # warm-up
    n = len(workers)
    health = load("127.0.0.1", port, [("GET", "/booking/healthz", {}, None)] * min(n, 20_000), concurrency)
    tokens = {w: issue_token(SECRET, w, "worker") for w in workers}
    out = {"healthz": health.rate, "load_before": load_average()}
    for name, session_id in (("first-come rush", RUSH), ("ballot applications", BALLOT)):
        requests = [json_request("POST", "/booking/bookings", tokens[w], {"session_id": session_id}) for w in workers]
        before = meter.snapshot()
        run = load("127.0.0.1", port, requests, concurrency)
        cpu = meter.per_request(before, meter.snapshot(), n)
        lat = [r.latency_ms for r in run.results]
        statuses: dict = {}
        for r in run.results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        answers: dict = {}
        for r in run.results:
            if r.status == 201:
                status = json.loads(r.body)["status"]
                answers[status] = answers.get(status, 0) + 1
        out[name] = {"rate": run.rate, "p50": percentile(lat, 50), "p99": percentile(lat, 99), "statuses": statuses,
                     "answers": answers, "cpu": cpu, "load": load_average()}
    return out


def timed_draw(url: str) -> dict:
    """Close the window and run the worker's poller step here: the draw, timed, by phase."""
    db = Database(url)
    with db.transaction() as s:
        s.execute(text("UPDATE booking_sessions SET applications_close_at = now() - interval '1 second' "
                       "WHERE session_id = :s"), {"s": BALLOT})
    # The statistics autovacuum's ANALYZE would have by the close (a window lasts days; 100,000 new rows set
    # it off). Some machines run PostgreSQL with autovacuum off: without them the planner guesses.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    phases: dict[str, float] = {}

    def timing(name, fn):
        def wrapped(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t0
        return wrapped

    real_applicants, real_write = drawrun.applicants, drawrun._write
    drawrun.applicants, drawrun._write = timing("read", real_applicants), timing("write", real_write)
    try:
        t0 = time.perf_counter()
        drawn = drawrun.run_due(db)
        total = time.perf_counter() - t0
    finally:
        drawrun.applicants, drawrun._write = real_applicants, real_write
    out = {"drawn": drawn, "total": total, "read": phases.get("read", 0.0), "write": phases.get("write", 0.0),
           "load": load_average()}
    with db.transaction() as s:
        t0 = time.perf_counter()
        doc = drawdoc.document(s, BALLOT)
        body = json.dumps(doc, ensure_ascii=False)
        out["document_s"], out["document_mb"] = time.perf_counter() - t0, len(body.encode()) / 2 ** 20
        t0 = time.perf_counter()
        out["verify_problems"] = draw.verify(doc)
        out["verify_s"] = time.perf_counter() - t0
        out["quota_offered"] = sum(1 for e in doc["order"] if e["quota"] == 0)
        out["quota_places"] = doc["quotas"][0]["places"]
        counts = dict(s.execute(select(Booking.status, func.count()).where(Booking.session_id == BALLOT)
                                .group_by(Booking.status)).all())
        sess = s.get(BookableSession, BALLOT)
        out["counts"] = counts
        out["counters_ok"] = (sess.offered, sess.waitlisted, sess.applied) == (
            counts.get("offered", 0), counts.get("waitlisted", 0), counts.get("applied", 0))
        out["entries"] = s.scalar(select(func.count()).where(Booking.session_id == BALLOT,
                                                             Booking.ballot_rank.is_not(None)))
        out["draws"] = s.scalar(select(func.count()).select_from(Draw))
        drawn = s.execute(select(outbox.c.type, outbox.c.payload).where(
            outbox.c.type.in_(("booking.offered", "session.drawn", "session.waitlisted")),
            outbox.c.payload.like(f'%"{BALLOT}"%'))).all()
        out["events"] = len(drawn)
        out["drawn_events"] = sum(1 for t, _ in drawn if t == "session.drawn")
        out["told"] = sum(1 if t == "booking.offered" else len(json.loads(p)["items"]) if t == "session.waitlisted"
                          else 0 for t, p in drawn)  # each applicant's result is in one event
        weights = [e["weight"] for e in doc["order"]]
        out["weights"] = {w: weights.count(w) for w in sorted(set(weights))}
    db.dispose()
    return out


def report(args, m: dict | None, d: dict) -> bool:
    n, c = args.n, args.capacity
    ok = True
    if m is not None:
        ok = _report_intake(n, c, m)
    return _report_draw(n, c, d) and ok


def _report_intake(n: int, c: int, m: dict) -> bool:
    print(f"  GET /booking/healthz: {m['healthz']:8.0f} req/s  ({m['load_before']})")
    ok = True
    for name in ("first-come rush", "ballot applications"):
        r = m[name]
        five = sum(v for k, v in r["statuses"].items() if k >= 500)
        cpu = ", ".join(f"{g} {ms:.2f}" for g, ms in r["cpu"].items())
        print(f"  {name:20s} {r['rate']:8.0f} /s ({r['rate'] / m['healthz']:.0%} of healthz), p50 {r['p50']:.1f} ms, "
              f"p99 {r['p99']:.1f} ms; answers {dict(sorted(r['statuses'].items()))} {r['answers']}; "
              f"CPU/request {sum(r['cpu'].values()):.2f} ms ({cpu}); {r['load']}")
        ok &= five == 0 and r["statuses"].get(201, 0) == n
    return ok and m["first-come rush"]["answers"].get("confirmed") == c and \
        m["ballot applications"]["answers"] == {"applied": n}


def _report_draw(n: int, c: int, d: dict) -> bool:
    print(f"  the draw: {d['total']:.2f} s from the poller's call to its commit (target < 3 s): read the applicants "
          f"and their factors {d['read']:.2f} s, write every result {d['write']:.2f} s, the rest (the order, the "
          f"places, the record, the commit) {d['total'] - d['read'] - d['write']:.2f} s; {d['load']}")
    print(f"  written: {d['entries']} entries, bookings {d['counts']}, {d['events']} events telling "
          f"{d['told']} applicants their result, {d['draws']} draw; "
          f"counters {'right' if d['counters_ok'] else 'WRONG'}; quota: {d['quota_offered']} offered under it "
          f"(at least {d['quota_places']})")
    print(f"  weights drawn from: {d['weights']}")
    print(f"  GET /booking/sessions/<id>/draw body built in {d['document_s']:.2f} s ({d['document_mb']:.1f} MiB); "
          f"verified (draw verify's check) in {d['verify_s']:.2f} s: "
          f"{'match' if not d['verify_problems'] else 'MISMATCH ' + str(d['verify_problems'][:3])}")
    ok = (d["drawn"] == 1 and d["entries"] == n and d["counts"].get("offered") == c and d["counters_ok"]
          and d["counts"].get("waitlisted") == n - c and not d["verify_problems"] and d["told"] == n and d["drawn_events"] == 1
          and d["quota_offered"] >= d["quota_places"])
    print("  -> " + ("OK" if ok else "INVARIANT BROKEN"))
    return ok


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--capacity", type=int, default=2_000)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--draw-only", action="store_true", help="write the applications straight to the database, "
                   "then time the draw (no servers, no HTTP figures)")
    p.add_argument("--workers", type=int, default=int(os.environ.get("RUSH_WORKERS", 2 * (os.cpu_count() or 1))))
    args = p.parse_args()
    print(f"bench/ballot.py -- {os.cpu_count()} cores; N={args.n} workers, C={args.capacity} places, "
          f"{args.concurrency} concurrent keep-alive connections, gunicorn sync x {args.workers}, PostgreSQL, Redis")
    url = fresh_database("BENCH_BALLOT_DATABASE_URL", "unionhub_ballot")
    workers = [f"bw{i:06d}" for i in range(args.n)]
    t0 = time.perf_counter()
    secret = seed(url, workers, args.capacity)
    print(f"  seeded in {time.perf_counter() - t0:.1f} s")
    if args.draw_only:
        applications(url, workers, secret)
        sys.exit(0 if report(args, None, timed_draw(url)) else 1)
    with booking_topology(url, "ballot", "redis://127.0.0.1:6379/9", args.workers, secret=SECRET) as (port, meter):
        m = measure(port, workers, args.concurrency, meter)
    d = timed_draw(url)
    sys.exit(0 if report(args, m, d) else 1)


if __name__ == "__main__":
    main()
