"""Helpers the benchmark scripts share: a fresh PostgreSQL database, percentiles, headers."""
from __future__ import annotations

import os
import statistics

import psycopg
from sqlalchemy.engine import make_url

from shared.config import normalise_database_url


def fresh_database(env_var: str, default_name: str) -> str:
    """A PostgreSQL database for the benchmark, created if missing and emptied."""
    raw = os.environ.get(env_var) or f"postgresql://postgres@127.0.0.1:5432/{default_name}"
    url = make_url(normalise_database_url(env_var, raw))
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{url.database}"')
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    return url.render_as_string(hide_password=False)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def header(title: str) -> None:
    print(f"{title} -- {os.cpu_count()} cores, PostgreSQL")


def median(values):
    return statistics.median(values)
