"""CPU time per process group, read from /proc (Linux): where a request's CPU goes.

On a machine whose cores the server, the database and the load client share,
a rate is bounded by the CPU each request costs all of them together. The rush
benchmark prints that cost per request for healthz and for a sign-up, so the
two rates can be explained, not only compared.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds used) of a live process."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _all() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = st
    return found


def tree(root: int) -> Callable[[dict], set[int]]:
    """A group: a process and all its descendants (gunicorn's master and workers)."""

    def pick(procs: dict) -> set[int]:
        members, grew = {root}, True
        while grew:
            more = {pid for pid, (_, ppid, _) in procs.items() if ppid in members} - members
            members |= more
            grew = bool(more)
        return members & procs.keys()

    return pick


def named(*names: str) -> Callable[[dict], set[int]]:
    """A group: every process with one of these command names (PostgreSQL's backends)."""
    return lambda procs: {pid for pid, (name, _, _) in procs.items() if name in names}


class CpuMeter:
    """Snapshots of CPU seconds by group; the difference of two divided by a request count."""

    def __init__(self, groups: dict[str, Callable[[dict], set[int]]]):
        me = os.getpid()  # not its children: those are the servers under test
        self.groups = {**groups, "load client": lambda procs: {me} & procs.keys()}

    def snapshot(self) -> dict[str, dict[int, float]]:
        procs = _all() if available() else {}
        return {group: {pid: procs[pid][2] for pid in pick(procs)} for group, pick in self.groups.items()}

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request, by group (processes that came and went count from 0)."""
        out = {}
        for group, now in after.items():
            then = before.get(group, {})
            out[group] = sum(cpu - then.get(pid, 0.0) for pid, cpu in now.items()) * 1000 / requests
        return out
