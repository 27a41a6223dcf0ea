"""Chaos: the production topology under rushes while its parts are killed and restarted.

Starts its own PostgreSQL and Redis (temporary directories, ports of their own,
never the machine's), then the processes of deploy/Procfile as run-prod.sh
does: gunicorn per service and each service's events worker. Each round:
catalog publishes an offer; a rush of workers signs up for its one session with
retrying clients (the same Idempotency-Key again after a failed connection, a
5xx, a 429 or a 409 request-in-progress); some cancel, some are checked in;
meanwhile the round's faults strike: gunicorn workers and events workers
killed (-9), Redis restarted with its data or without it, or flushed,
rolled back to a snapshot a second old, PostgreSQL restarted. Then it waits for the events to settle (`events check`)
and checks the invariants (bench/chaos_checks.py). Prints a table, one line a
round, and a summary; exits 1 on any violation. Stops by itself (--minutes)
and removes every process and directory it started.

    python bench/chaos.py [--rounds 20] [--n 300] [--capacity 100] [--minutes 15] [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.chaos_checks import check_round, events_applied  # noqa: E402
from bench.chaos_topology import Topology  # noqa: E402
from bench.loadclient import json_request, load  # noqa: E402
from bench.rush import seed_profiles  # noqa: E402
from bench.servers import PostgresServer, RedisServer  # noqa: E402
from services.eventops import run_check  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.timeutil import to_local, utcnow  # noqa: E402

SECRET = "chaos-secret-0123456789abcdef-0123456789"
SERVICES = ("catalog", "matching", "booking")  # the databases it makes
SCENARIOS = [  # cycled through, one a round
    ("web:booking", "web:booking"),
    ("events:booking", "events:matching"),
    ("redis:keep",),
    ("redis:lose",),
    ("pg:restart",),
    ("redis:flush",),
    ("web:booking", "events:matching", "redis:lose", "pg:restart"),
    ("events:catalog", "web:catalog", "redis:keep"),
    ("pg:crash", "web:matching"),
    ("redis:lose", "events:booking", "web:booking"),
    ("redis:rollback", "web:booking"),
]


def retry_answer(status: int, body: bytes) -> bool:
    """What a careful client sends again, with the same Idempotency-Key."""
    return status >= 500 or status == 429 or (status == 409 and b"request-in-progress" in body)


def _merge(*counts: dict) -> dict:
    out: dict = {}
    for count in counts:
        for k, v in count.items():
            out[k] = out.get(k, 0) + v
    return out


class Chaos:
    def __init__(self, args):
        self.args, self.rng = args, random.Random(args.seed)
        self.dir = Path(tempfile.mkdtemp(prefix="chaos-"))
        self.pg = self.redis = self.topology = None

    def set_up(self) -> None:
        self.pg = PostgresServer()
        self.pg.start()
        self.redis = RedisServer()
        self.redis.start()
        self.urls = {svc: self.pg.create_database(f"chaos_{svc}") for svc in SERVICES}
        self.env = {**{k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")},
                    **{f"{svc.upper()}_DATABASE_URL": url for svc, url in self.urls.items()},
                    "REDIS_URL": self.redis.url(), "JWT_SECRET": SECRET, "DEMO": "0", "LOG_LEVEL": "WARNING",
                    "PYTHONUNBUFFERED": "1", "DATA_DIR": str(self.dir)}
        subprocess.run([sys.executable, "-m", "services.cli", "migrate"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)
        self.settings = load_settings(self.env)
        self.topology = Topology(self.env, self.dir, self.args.web_concurrency)
        self.topology.start_all()
        self.topology.wait_ready()
        self.admin = issue_token(SECRET, "admin-chaos", "admin", ttl=timedelta(hours=2))
        union = self.call("catalog", "POST", "/catalog/unions", {"name": "混沌测试工会", "district": "sip"})
        self.union_id = json.loads(union.body)["id"]

    def call(self, svc: str, method: str, path: str, payload: dict | None, token: str | None = None):
        result = load("127.0.0.1", self.topology.ports[svc], [json_request(method, path, token or self.admin, payload)],
                      1, retry=retry_answer, attempts=40).results[0]
        if result.status >= 400 and not (result.status == 409 and path.endswith("/publish")):
            raise RuntimeError(f"{method} {path}: {result.status} {result.body[:300]!r}")
        return result

    def new_session(self) -> tuple[str, str]:
        starts = to_local(utcnow() + timedelta(days=5)).replace(microsecond=0)
        offer = json.loads(self.call("catalog", "POST", "/catalog/offers", {
            "union_id": self.union_id, "kind": "health_checkup", "title": "混沌测试体检", "district": "sip",
            "address": "星湖街1号", "waitlist": True,
            "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
                          "capacity": self.args.capacity}]}).body)
        self.call("catalog", "POST", f"/catalog/offers/{offer['id']}/publish", None)
        session_id = offer["sessions"][0]["id"]
        deadline = time.time() + 60  # booking learns of it from catalog's event
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.topology.ports['booking']}"
                                            f"/booking/sessions/{session_id}", timeout=2):
                    return offer["id"], session_id
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("booking never learnt of the new offer")

    def strike(self, fault: str) -> None:
        kind, _, what = fault.partition(":")
        if kind == "web":
            self.topology.kill_web_worker(what, self.rng)
        elif kind == "events":
            self.topology.kill_events_worker(what)
        elif fault == "redis:rollback":
            snapshot = self.redis.snapshot()
            time.sleep(1.0)  # events go out meanwhile, and are lost with the roll-back
            self.redis.roll_back(snapshot)
        elif fault == "redis:flush":
            redis.Redis.from_url(self.redis.url()).flushall()
        elif kind == "redis":
            self.redis.restart(persist=what == "keep")
        elif kind == "pg":
            self.pg.restart("fast" if what == "restart" else "immediate")

    def faults(self, scenario, errors: list) -> threading.Thread:
        plan = sorted((self.rng.uniform(0.2, self.args.fault_window), fault) for fault in scenario)

        def run():
            t0 = time.monotonic()
            for at, fault in plan:
                time.sleep(max(0.0, at - (time.monotonic() - t0)))
                try:
                    self.strike(fault)
                except Exception as exc:  # noqa: BLE001 - reported in the round's line
                    errors.append(f"{fault}: {exc}")

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def round(self, number: int) -> dict:
        cycle = [SCENARIOS[i - 1] for i in self.args.scenario] if self.args.scenario else SCENARIOS
        scenario = cycle[(number - 1) % len(cycle)]
        offer_id, session_id = self.new_session()
        workers = [f"c{number:02d}w{i:05d}" for i in range(self.args.n)]
        seed_profiles(self.urls["booking"], workers)
        tokens = {w: issue_token(SECRET, w, "worker", ttl=timedelta(hours=2)) for w in workers}
        requests = []
        for w in workers:
            method, path, headers, body = json_request("POST", "/booking/bookings", tokens[w], {"session_id": session_id})
            requests.append((method, path, {**headers, "Idempotency-Key": uuid.uuid4().hex}, body))
        errors: list[str] = []
        striking = self.faults(scenario, errors)
        t0 = time.monotonic()
        port = self.topology.ports["booking"]
        rush = load("127.0.0.1", port, requests, self.args.concurrency, retry=retry_answer, attempts=40)
        answers = {workers[r.request]: r for r in rush.results}
        booked = [(w, json.loads(r.body)) for w, r in answers.items() if r.status == 201]
        confirmed = [b for _, b in booked if b["status"] == "confirmed"]
        after = [json_request("POST", f"/booking/bookings/{b['id']}/cancel", tokens[b["worker_id"]], None)
                 for b in confirmed[: self.args.capacity // 10]]
        after += [json_request("POST", f"/booking/bookings/{b['id']}/check-in", self.admin, None)
                  for b in confirmed[self.args.capacity // 10: self.args.capacity // 5]]
        later = load("127.0.0.1", port, after, 8, retry=retry_answer, attempts=40)
        striking.join()
        work_s = time.monotonic() - t0
        self.topology.wait_ready(120)
        settle_s, gaps = self.settle()
        violations = check_round(self, session_id, answers, later, gaps) + errors
        statuses = _merge(*({r.status: 1} for r in list(rush.results) + list(later.results)))
        return {"round": number, "faults": " ".join(scenario), "statuses": statuses, "retried": _merge(rush.retried, later.retried),
                "work_s": work_s, "settle_s": settle_s, "violations": violations}

    def settle(self) -> tuple[float, list]:
        """Until every consumer applied every event (`events check` with no grace), or --settle seconds."""
        t0 = time.monotonic()
        while True:
            try:
                gaps = [g.as_dict() for g in run_check(self.settings, None, timedelta(0))]
            except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL still restarting
                gaps = [{"error": f"{type(exc).__name__}: {exc}"}]
            if not events_applied(gaps) or time.monotonic() - t0 > self.args.settle:
                return time.monotonic() - t0, gaps
            time.sleep(0.5)

    def clean_up(self) -> None:
        for part in (self.topology and self.topology.stop_all, self.redis and self.redis.cleanup,
                     self.pg and self.pg.cleanup):
            if part:
                try:
                    part()
                except Exception as exc:  # noqa: BLE001 - clean up the rest all the same
                    print(f"clean-up: {exc}", file=sys.stderr)
        if self.args.keep_logs:
            print(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--n", type=int, default=300, help="sign-ups a round")
    p.add_argument("--capacity", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=24)
    p.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers per service")
    p.add_argument("--fault-window", type=float, default=2.0, help="faults strike within this many seconds")
    p.add_argument("--settle", type=float, default=90, help="seconds to wait for the events to settle")
    p.add_argument("--minutes", type=float, default=15, help="no round starts after this")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", type=int, action="append", choices=range(1, len(SCENARIOS) + 1),
                   help="only these of SCENARIOS (1-based; repeat the option), cycled")
    p.add_argument("--keep-logs", action="store_true")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chaos, rows, started = Chaos(args), [], time.monotonic()
    print(f"bench/chaos.py -- {os.cpu_count()} cores; {args.rounds} rounds of {args.n} sign-ups for {args.capacity} "
          f"places, {args.concurrency} connections, gunicorn x {args.web_concurrency} per service")
    try:
        chaos.set_up()
        print(f"{'round':>5}  {'faults':<52} {'final answers':<20} {'sent again after':<24} {'work s':>6} "
              f"{'settle s':>8}  violations")
        for number in range(1, args.rounds + 1):
            if time.monotonic() - started > args.minutes * 60:
                print(f"time is up after {number - 1} rounds")
                break
            row = chaos.round(number)
            rows.append(row)
            answers = " ".join(f"{k}:{v}" for k, v in sorted(row["statuses"].items()))
            retried = " ".join(f"{k}:{v}" for k, v in sorted(row["retried"].items())) or "-"
            print(f"{row['round']:5d}  {row['faults']:<52} {answers:<20} {retried:<24} {row['work_s']:6.1f} "
                  f"{row['settle_s']:8.1f}  {len(row['violations'])}", flush=True)
            for v in row["violations"]:
                print(f"{'':7}- {v}", flush=True)
    finally:
        chaos.clean_up()
    bad = sum(len(r["violations"]) for r in rows)
    struck = {}
    for r in rows:
        for fault in r["faults"].split():
            struck[fault] = struck.get(fault, 0) + 1
    print(f"summary: {len(rows)} rounds in {time.monotonic() - started:.0f} s, {bad} violation(s); faults: "
          + ", ".join(f"{k} x{v}" for k, v in sorted(struck.items())))
    sys.exit(1 if bad or len(rows) < args.rounds else 0)


if __name__ == "__main__":
    main()
