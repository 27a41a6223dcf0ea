"""The burst: 10,000 clients, each on a connection of its own, arriving within 2 s.

Starts the production topology as deploy/run-prod.sh does (gunicorn per service
with deploy/gunicorn/*.py, each service's event worker) on a PostgreSQL database
and a Redis db of the benchmark's own, with the demo data and a rush session
(bench/rush.py's seed). Through the nginx gateway where nginx is installed,
else straight at each service's port. The clients mix public reads
(GET /catalog/offers, GET /booking/sessions/<id>) and authenticated sign-ups,
each worker once. Prints refused connections, resets, timeouts, answers by
status, 5xx, p50/p99/max and the machine's core count. Asserts nothing; stops
its processes and deletes its Redis keys when done.

    python bench/burst.py [--clients 10000] [--spread 2] [--timeout 30] [--backlog N]
    BENCH_BURST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/unionhub_burst)
    BENCH_REDIS_URL (default redis://127.0.0.1:6379/3)
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import fresh_database, percentile  # noqa: E402
from bench.loadclient import json_request, load, once  # noqa: E402
from bench.rush import OFFER, SESSION, free_port, seed, wait_ready  # noqa: E402
from shared.auth import issue_token  # noqa: E402
from shared.events.streams import connect_redis  # noqa: E402

SECRET = "burst-secret-0123456789abcdef-0123456789"
SERVICES = ("catalog", "matching", "booking")
MIX = (("offers", 0.4), ("session", 0.3), ("sign-up", 0.3))


def somaxconn() -> str:
    try:
        return Path("/proc/sys/net/core/somaxconn").read_text().strip()
    except OSError:
        return "?"


LOG = ROOT / "var" / "burst-server.log"  # kept after the run: what the servers said


def start(env: dict, work: Path, procs: list[subprocess.Popen]) -> dict[str, int]:
    """Start the services and their workers (and nginx, if installed) into procs, which the caller
    stops whatever happens; where each prefix answers."""
    LOG.parent.mkdir(exist_ok=True)
    log = open(LOG, "w")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    ports = {svc: free_port() for svc in SERVICES}
    for svc in SERVICES:
        procs.append(subprocess.Popen([gunicorn, "-c", f"deploy/gunicorn/{svc}.py", f'services.wsgi:create("{svc}")'],
                                      cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{ports[svc]}"}, stdout=log, stderr=log))
        procs.append(subprocess.Popen([sys.executable, "-m", "services.cli", "worker", svc], cwd=ROOT, env=env,
                                      stdout=log, stderr=log))
    for svc in SERVICES:
        wait_ready(ports[svc], procs, timeout=300, service=svc)  # 9 processes boot on shared cores
    nginx = shutil.which("nginx")
    if not nginx:
        return ports
    gateway = free_port()
    conf = (ROOT / "deploy/nginx.conf").read_text().replace("listen 8000", f"listen {gateway}")
    for svc in SERVICES:
        conf = conf.replace(f"{svc}:{8001 + SERVICES.index(svc)}", f"127.0.0.1:{ports[svc]}")
    (work / "nginx.conf").write_text(conf)
    procs.append(subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"),
                                   "-g", f"daemon off; pid {work / 'nginx.pid'};"], stdout=log, stderr=log))
    wait_ready(gateway, procs, timeout=60)
    return {svc: gateway for svc in SERVICES}


def plan(n: int, spread: float) -> list[tuple[float, str, tuple]]:
    """(arrival offset in s, kind, request) for n clients; each sign-up is a different worker."""
    rng = random.Random(2026)
    out, signups = [], 0
    for _ in range(n):
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        if kind == "offers":
            req = json_request("GET", "/catalog/offers?per_page=20", None, None)
        elif kind == "session":
            req = json_request("GET", f"/booking/sessions/{SESSION}", None, None)
        else:
            token = issue_token(SECRET, f"rw{signups:05d}", "worker")
            req = json_request("POST", "/booking/bookings", token, {"session_id": SESSION})
            signups += 1
        out.append((rng.uniform(0, spread), kind, req))
    return out


async def burst(ports: dict[str, int], clients: list, timeout: float) -> tuple[list, float]:
    t0 = time.perf_counter()

    async def client(offset, kind, req):
        await asyncio.sleep(max(0.0, offset - (time.perf_counter() - t0)))
        started = time.perf_counter() - t0
        method, path, headers, body = req
        outcome, ms = await once("127.0.0.1", ports[path.split("/")[1]], method, path, headers, body, timeout)
        return kind, outcome, ms, started

    results = await asyncio.gather(*(client(*c) for c in clients))
    return results, time.perf_counter() - t0


def report(results: list, seconds: float, args) -> None:
    outcomes = Counter(o for _, o, _, _ in results)
    statuses = {k: v for k, v in outcomes.items() if isinstance(k, int)}
    failures = {k: v for k, v in outcomes.items() if not isinstance(k, int)}
    five = sum(v for k, v in statuses.items() if k >= 500)
    answered = [ms for _, o, ms, _ in results if isinstance(o, int)]
    last_start = max(s for *_, s in results)
    print(f"  clients started within {last_start:.2f} s (planned {args.spread} s); all done after {seconds:.1f} s; "
          f"load average then {os.getloadavg()[0]:.1f}")
    print(f"  refused {failures.pop('refused', 0)}, reset {failures.pop('reset', 0)}, "
          f"timeouts ({args.timeout:.0f} s) {failures.pop('timeout', 0)}, other errors {dict(failures) or 0}, 5xx {five}")
    print(f"  answers: {dict(sorted(statuses.items()))}")
    if answered:
        print(f"  latency of answered requests (connect included): p50 {percentile(answered, 50):.0f} ms, "
              f"p99 {percentile(answered, 99):.0f} ms, max {max(answered):.0f} ms")
    for kind, _ in MIX:
        mine = [ms for k, o, ms, _ in results if k == kind and isinstance(o, int)]
        if mine:
            print(f"    {kind:8s} {len(mine):5d} answered: p50 {percentile(mine, 50):6.0f} ms, "
                  f"p99 {percentile(mine, 99):6.0f} ms, max {max(mine):6.0f} ms")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=10_000)
    p.add_argument("--spread", type=float, default=2.0, help="seconds over which the clients arrive")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--backlog", type=int, help="gunicorn's listen backlog (GUNICORN_BACKLOG; default: deploy's)")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one descriptor per client
    if hard < args.clients + 100:
        sys.exit(f"the open-file limit ({hard}) is below {args.clients} clients; raise ulimit -n")
    url = fresh_database("BENCH_BURST_DATABASE_URL", "unionhub_burst")
    prefix = f"burst-{uuid.uuid4().hex[:6]}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    work = Path(tempfile.mkdtemp(prefix="burst-"))
    env = {**os.environ, "REDIS_URL": redis_url, "EVENTS_STREAM_PREFIX": prefix, "JWT_SECRET": SECRET,
           "DATA_DIR": str(work), "DEMO": "1", **{f"{svc.upper()}_DATABASE_URL": url for svc in SERVICES}}
    if args.backlog:
        env["GUNICORN_BACKLOG"] = os.environ["GUNICORN_BACKLOG"] = str(args.backlog)
    subprocess.run([sys.executable, "-m", "services.cli", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seed(url, args.clients, capacity=args.clients // 5)  # the rush offer in booking's read model, a profile per worker
    clients = plan(args.clients, args.spread)
    procs = []
    try:
        ports = start(env, work, procs)
        through = "the nginx gateway" if shutil.which("nginx") else "straight at the services (nginx not installed)"
        gunicorn = runpy.run_path(str(ROOT / "deploy/gunicorn/base.py"))
        print(f"bench/burst.py -- {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f}); {args.clients} "
              f"clients, one connection each, arriving within {args.spread} s, {through}; gunicorn "
              f"{gunicorn['worker_class']} {gunicorn['workers']} workers x {gunicorn['threads']} threads per service, "
              f"backlog {gunicorn['backlog']}, somaxconn {somaxconn()}; offer {OFFER}")
        time.sleep(2)  # every gunicorn worker has booted, not only the first
        for method, path in (("GET", "/catalog/offers?per_page=20"), ("GET", f"/booking/sessions/{SESSION}"),
                             ("GET", "/matching/healthz")):  # warm-up: each worker's first request loads lazily
            load("127.0.0.1", ports[path.split("/")[1]], [(method, path, {}, None)] * 64, concurrency=8)
        results, seconds = asyncio.run(burst(ports, clients, args.timeout))
        report(results, seconds, args)
        print(f"  the servers' log: {LOG}")
    except BaseException:
        if LOG.exists():
            print("last lines of the servers' log:\n" + "\n".join(LOG.read_text().splitlines()[-15:]))
        raise
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis = connect_redis(redis_url)
        keys = list(redis.scan_iter(f"{prefix}:*"))
        if keys:
            redis.delete(*keys)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
