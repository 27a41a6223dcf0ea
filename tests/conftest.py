"""Fixtures: the three apps behind the dispatcher, a client, tokens per role, event pumping.

Runs on SQLite + fakeredis by default; on PostgreSQL + Redis when
TEST_DATABASE_URL and TEST_REDIS_URL are set (.ci/run sets both).
"""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, text
from werkzeug.test import Client

from services import registry
from services.gateway import PrefixDispatcher
from shared.auth import issue_token
from shared.config import SERVICES, ServiceConfig, normalise_database_url
from shared.db import Database, database_of
from shared.events.streams import connect_redis
from shared.migrate import upgrade

from tests.factories import union_tree
from tests.helpers import PG_URL, REDIS_URL, SECRET


def pytest_report_header(config):
    return f"backend: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'} + {'Redis ' + REDIS_URL if REDIS_URL else 'fakeredis'}"


@pytest.fixture(scope="session")
def configs(tmp_path_factory) -> dict[str, ServiceConfig]:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    out = {}
    for name in SERVICES:
        url = normalise_database_url("TEST_DATABASE_URL", PG_URL) if PG_URL else \
            f"sqlite:///{tmp_path_factory.mktemp('db') / (name + '.db')}"
        out[name] = ServiceConfig(name=name, database_url=url, redis_url=REDIS_URL, jwt_secret=SECRET,
                                  stream_prefix=prefix)
    if PG_URL:
        _drop_service_tables(Database(out["catalog"].database_url))
    for name, cfg in out.items():
        if registry.has_migrations(name):
            upgrade(name, cfg.database_url)
    return out


def _drop_service_tables(db: Database) -> None:
    meta = MetaData()
    meta.reflect(db.engine)
    ours = [t for t in meta.sorted_tables if t.name.split("_")[0] in SERVICES]
    with db.engine.begin() as conn:
        for table in reversed(ours):
            conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
    db.dispose()


@pytest.fixture(scope="session")
def apps(configs):
    return {name: registry.create_app(name, cfg) for name, cfg in configs.items()}


@pytest.fixture(scope="session")
def dbs(apps):
    return {name: database_of(app) for name, app in apps.items()}


@pytest.fixture(scope="session")
def redis_client(configs):
    return connect_redis(REDIS_URL)


@pytest.fixture(autouse=True)
def clean_state(request, configs, dbs, redis_client):
    yield
    for db in dbs.values():
        meta = MetaData()
        meta.reflect(db.engine)
        tables = [t for t in meta.sorted_tables
                  if t.name.split("_")[0] in SERVICES and not t.name.endswith("alembic_version")]
        with db.engine.begin() as conn:
            if db.is_sqlite:
                for table in reversed(tables):
                    conn.execute(table.delete())
            elif tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    prefix = configs["catalog"].stream_prefix
    keys = list(redis_client.scan_iter(f"{prefix}:*"))
    if keys:
        redis_client.delete(*keys)


class ApiClient:
    """A werkzeug client with JSON and Bearer-token helpers."""

    def __init__(self, wsgi_app):
        self._client = Client(wsgi_app)

    def open(self, method, path, *, token=None, json_body=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body, ensure_ascii=False)
            kwargs.setdefault("content_type", "application/json")
        return self._client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.open("POST", path, json_body=json, **kw)

    def put(self, path, json=None, **kw):
        return self.open("PUT", path, json_body=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.open("PATCH", path, json_body=json, **kw)


@pytest.fixture(scope="session")
def client(apps) -> ApiClient:
    return ApiClient(PrefixDispatcher(apps))


@pytest.fixture(scope="session")
def token():
    def make(role: str, sub: str | None = None, union: str | None = None, ttl=timedelta(hours=1)) -> str:
        return issue_token(SECRET, sub or f"{role}-{uuid.uuid4().hex[:6]}", role, union, ttl=ttl)

    return make


@pytest.fixture(scope="session")
def admin(token):
    return token("admin", "admin-1")


@pytest.fixture
def unions(client, admin) -> dict:
    """The union tree most tests start from: city -> sip -> enterprise, and city -> gusu (tests/factories.py)."""
    return union_tree(client, admin)


@pytest.fixture
def pump(configs, dbs, redis_client):
    """Move every event through relays and consumers until nothing is left."""
    runners = [r for name in SERVICES
               for r in registry.build_runners(name, configs[name], db=dbs[name], redis=redis_client)]

    def run(rounds: int = 10) -> int:
        total = 0
        for _ in range(rounds):
            moved = sum(r.run_once(block_ms=0) for r in runners)
            total += moved
            if not moved:
                break
        return total

    return run
