"""How long the pages take to render under `make run`, signed in as the demo's people.

Starts the all-in-one server as `make run` does (SQLite, the in-process Redis
stand-in) on a fresh data directory, by default with the demo at the campaign's
size (`DEMO=campaign`: 10,500 workers, 32,659 needs), signs in through the pages
as a demo worker and as the city federation's staff (one-click demo sign-in), then
requests each page N times, one after another, and prints p50 / p99 / max.
Asserts nothing about time.

    python bench/pages.py [--demo campaign|1] [--n 50] [--port 8190]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

WORKER_PAGES = [("worker home (为你推荐)", "/"), ("search 體檢", "/offers?q=體檢"),
                ("search by kind and district", "/offers?kind=night_class&district=sip"),
                ("my bookings", "/bookings"), ("my needs", "/needs")]
STAFF_PAGES = [("staff demand", "/staff/demand"), ("staff unmet needs", "/staff/unmet"),
               ("staff offers", "/staff/offers")]


def wait_until_up(base: str, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped (exit {proc.returncode})")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit(f"the server did not answer within {seconds:.0f} s")


def demo_accounts(http: httpx.Client) -> list[dict]:
    return http.get("/accounts/demo").json()["items"]


def sign_in(http: httpx.Client, account: dict) -> None:
    page = http.get("/signin")
    token = CSRF.search(page.text).group(1)
    form = {"csrf_token": token, "kind": account["kind"]}
    if account["kind"] == "worker":
        form["phone"] = account["phone"]
    else:
        form.update(username=account["username"], password=account["password"])
    resp = http.post("/signin/demo", data=form, follow_redirects=True)
    resp.raise_for_status()


def measure(http: httpx.Client, label: str, path: str, n: int) -> None:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = http.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 200:
            print(f"{label:32} {path}: HTTP {resp.status_code}")
            return
    print(f"{label:32} p50 {percentile(times, 50):7.1f} ms   p99 {percentile(times, 99):7.1f} ms"
          f"   max {max(times):7.1f} ms   ({len(resp.content) // 1024} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", default="campaign", choices=("campaign", "1"))
    parser.add_argument("--n", type=int, default=50, help="requests per page")
    parser.add_argument("--port", type=int, default=8190)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="pages-bench-")
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(PORT=str(args.port), DATA_DIR=data_dir, DEMO=args.demo, LOG_LEVEL="WARNING")
    base = f"http://127.0.0.1:{args.port}"
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, proc, 900)
        print(f"pages under `make run` (all-in-one, SQLite), DEMO={args.demo}, {os.cpu_count()} cores, "
              f"{args.n} requests per page; the server was up after {time.monotonic() - t0:.0f} s")
        accounts = demo_accounts(httpx.Client(base_url=base, timeout=30))
        worker = next(a for a in accounts if a["kind"] == "worker")
        staff = next((a for a in accounts if a["kind"] == "staff" and a.get("union_id") == "u-suzhou"),
                     next(a for a in accounts if a["kind"] in ("admin", "staff")))
        for account, pages in ((worker, WORKER_PAGES), (staff, STAFF_PAGES)):
            with httpx.Client(base_url=base, timeout=60) as http:
                sign_in(http, account)
                print(f"-- signed in as {account['label']}")
                for label, path in pages:
                    http.get(path)  # warm: first-use caches (jieba, templates)
                    measure(http, label, path, args.n)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
