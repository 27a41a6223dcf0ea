"""Throwaway PostgreSQL and Redis servers to break on purpose (chaos, fault tests).

Each lives in its own temporary directory on its own port, never the
machine's servers, and is stopped and deleted by cleanup(). PostgreSQL will
not run as root: as root, its programs run as the postgres user.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


def pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    path = shutil.which("pg_ctl")
    return os.path.dirname(path) if path else None


class PostgresServer:
    def __init__(self, port: int | None = None):
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("pg_ctl not found")
        self.port = port or free_port(55432)
        self.dir = tempfile.mkdtemp(prefix="pg-chaos-")
        self.data, self.log = os.path.join(self.dir, "data"), os.path.join(self.dir, "server.log")
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user:
            shutil.chown(self.dir, self._user)
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([os.path.join(self.bin, program), *args], user=self._user, cwd=self.dir,
                              capture_output=True, text=True, check=check, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
                   "-c max_connections=200 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """redis-server on its own port, with an append-only file (fsync always) to restart from."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port(56379)
        self.dir = tempfile.mkdtemp(prefix="redis-chaos-")
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, appendonly: bool = True) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--appendonly", "yes" if appendonly else "no", "--appendfsync", "always",
                "--logfile", os.path.join(self.dir, "server.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None

    def restart(self, persist: bool) -> None:
        """Killed, then started again: with `persist` it comes back with its data, else with none."""
        self.stop()
        if not persist:
            for name in os.listdir(self.dir):
                if name != "server.log":
                    path = os.path.join(self.dir, name)
                    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        self.start()

    def snapshot(self) -> str:
        """A copy of the data as it is now (SAVE), to roll back to."""
        import redis

        redis.Redis.from_url(self.url()).save()
        kept = os.path.join(tempfile.gettempdir(), f"redis-snapshot-{self.port}-{os.getpid()}.rdb")
        shutil.copy(os.path.join(self.dir, "dump.rdb"), kept)
        return kept

    def roll_back(self, snapshot: str) -> None:
        """Killed, then started from an older snapshot: what came after it is lost (a failover to a lagging replica)."""
        import redis

        self.restart(persist=False)  # killed, its directory wiped
        self.stop()
        shutil.move(snapshot, os.path.join(self.dir, "dump.rdb"))
        self.start(appendonly=False)  # loads dump.rdb
        redis.Redis.from_url(self.url()).config_set("appendonly", "yes")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
