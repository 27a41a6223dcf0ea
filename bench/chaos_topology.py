"""bench/chaos.py's processes: deploy/Procfile's, each in its own process group, to kill and restart."""
from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.rush import wait_ready
from bench.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("catalog", "matching", "booking")


class Topology:
    """The Procfile's processes as run-prod.sh runs them (its own ports), logs in one directory."""

    def __init__(self, env: dict, logs: Path, web_concurrency: int):
        self.env, self.logs = env, logs
        self.ports = {svc: free_port(18100 + 10 * i) for i, svc in enumerate(SERVICES)}
        self.commands = {}
        for line in (ROOT / "deploy" / "Procfile").read_text().splitlines():
            name, _, command = line.partition(":")
            if name.strip():
                argv = shlex.split(command)
                argv[0] = str(Path(sys.executable).parent / argv[0]) if argv[0] == "gunicorn" else sys.executable
                self.commands[name.strip()] = argv
        self.web_concurrency = web_concurrency
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        env = dict(self.env)
        if name in self.ports:
            env.update(BIND=f"127.0.0.1:{self.ports[name]}", WEB_CONCURRENCY=str(self.web_concurrency))
        log = open(self.logs / f"{name}.log", "a")
        self.procs[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=env, stdout=log, stderr=log,
                                            start_new_session=True)

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def wait_ready(self, timeout: float = 60) -> None:
        for svc, port in self.ports.items():
            wait_ready(port, [self.procs[svc]], timeout, service=svc)

    def kill_web_worker(self, svc: str, rng: random.Random) -> None:
        children = _children(self.procs[svc].pid)
        if children:
            os.kill(rng.choice(children), signal.SIGKILL)  # the master starts another

    def kill_events_worker(self, svc: str) -> None:
        name = f"{svc}_worker"
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()
        time.sleep(0.5)
        self.start(name)  # as a supervisor (compose's restart policy, systemd) would

    def stop_all(self) -> None:
        for proc in self.procs.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.time() + 15
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry))
    return found
