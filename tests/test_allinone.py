"""The all-in-one server as `make run` starts it: a real process, real HTTP."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def serve(tmp_path):
    procs = []

    def start():
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
        env.update(PORT=str(port), DATA_DIR=str(tmp_path / "var"), DEMO="1", JWT_SECRET="x" * 40)
        proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):  # the demo loads before it serves: up to a minute on a busy machine
            try:
                if get(base + "/catalog/healthz")[0] == 200:
                    return base
            except OSError:
                time.sleep(0.1)
        proc.kill()
        raise AssertionError(proc.stdout.read().decode())

    def stop():
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        procs.clear()

    yield start, stop
    stop()


def test_serves_every_service_with_the_demo_once(serve):
    start, stop = serve
    base = start()
    for svc in ("catalog", "matching", "booking", "accounts", "notify"):
        assert get(f"{base}/{svc}/healthz") == (200, {"status": "ok"})
        assert get(f"{base}/{svc}/readyz")[0] == 200
    status, body = get(f"{base}/catalog/nowhere")
    assert status == 404 and body["type"] == "not-found"
    assert set(get(f"{base}/api")[1]["services"]) >= {"catalog", "matching", "booking"}
    assert get(f"{base}/healthz") == (200, {"status": "ok"}) and get(f"{base}/readyz")[0] == 200
    with urllib.request.urlopen(f"{base}/signin", timeout=5) as resp:  # the pages take every other path
        assert resp.status == 200 and '<html lang="zh-CN">' in resp.read().decode()
    status, offers = get(f"{base}/catalog/offers?per_page=100")
    assert status == 200 and offers["total"] >= 12
    assert {o["kind"] for o in offers["items"]} == {"health_checkup", "rest_trip", "night_class",
                                                    "talent_apartment", "after_school_class"}
    status, demo = get(f"{base}/accounts/demo")
    assert status == 200 and len(demo["items"]) >= 9
    stop()
    base = start()  # the same data dir: the demo loads again and adds nothing
    assert get(f"{base}/catalog/offers?per_page=100")[1]["total"] == offers["total"]
    assert get(f"{base}/accounts/demo")[1] == demo
