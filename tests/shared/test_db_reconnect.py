"""After PostgreSQL drops its connections (a restart, a failover, a killed backend), no request fails.

Runs on PostgreSQL only. With initdb and pg_ctl at hand it starts its own
server and restarts it mid-test; otherwise it kills its own connections with
pg_terminate_backend, which drops them the same way without touching the server.
"""
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.servers import PostgresServer, pg_bin
from shared.app import create_service_app
from shared.config import ServiceConfig, normalise_database_url
from shared.db import Database, database_of
from tests.helpers import PG_URL, REDIS_URL, SECRET

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


@pytest.fixture(scope="module")
def server():
    if pg_bin() is None:
        yield None
        return
    pg = PostgresServer()
    try:
        pg.start()
        yield pg
    finally:
        pg.cleanup()


@pytest.fixture
def target(server):
    """(database URL, drop-every-connection function)."""
    if server is not None:
        return normalise_database_url("url", server.url()), server.restart
    name = f"reconnect-{uuid.uuid4().hex[:8]}"
    url = normalise_database_url("url", PG_URL) + f"?application_name={name}"

    def terminate():  # returns once they are gone, as a restart does
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            killed = conn.execute("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                                  "WHERE application_name = %s", (name,)).fetchone()[0]
        assert killed > 0

    return url, terminate


def fill_pools(db: Database, n: int = 3) -> None:
    """Both pools hold n idle connections, as in a process that has served a while."""
    def use(_):
        with db.transaction() as s:
            s.execute(text("SELECT pg_sleep(0.05)"))
        with db.autocommit() as conn:
            conn.execute(text("SELECT pg_sleep(0.05)"))

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(use, range(n)))


def test_statements_after_the_server_dropped_the_pool_succeed(target):
    url, drop = target
    db = Database(url)
    try:
        fill_pools(db)
        drop()
        for _ in range(4):  # more than the pools hold: each dropped connection is met once
            with db.transaction() as s:
                assert s.execute(text("SELECT 1")).scalar() == 1
            with db.autocommit() as conn:
                assert conn.execute(text("SELECT 2")).scalar() == 2
    finally:
        db.dispose()


def test_readyz_answers_200_only_when_the_next_request_works(target):
    url, drop = target
    app = create_service_app(ServiceConfig(name="probe", database_url=url, redis_url=REDIS_URL, jwt_secret=SECRET),
                             title="probe", blueprints=[])
    db = database_of(app)
    client = app.test_client()
    try:
        fill_pools(db)
        assert client.get("/probe/readyz").status_code == 200
        drop()
        assert client.get("/probe/readyz").status_code == 200
        with db.autocommit() as conn:  # e.g. a sign-up, on the other pool
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        db.dispose()


def test_readyz_says_503_while_the_database_is_down(server):
    if server is None:
        pytest.skip("needs its own PostgreSQL server (initdb, pg_ctl)")
    url = normalise_database_url("url", server.url())
    app = create_service_app(ServiceConfig(name="probe", database_url=url, redis_url=REDIS_URL, jwt_secret=SECRET),
                             title="probe", blueprints=[])
    client = app.test_client()
    try:
        fill_pools(database_of(app))
        server.stop()
        resp = client.get("/probe/readyz")
        assert resp.status_code == 503
        assert resp.get_json()["checks"]["database"].startswith("error")
        server.start()
        assert client.get("/probe/readyz").status_code == 200
    finally:
        database_of(app).dispose()


def test_readyz_looks_through_the_pool_sign_ups_use_too(target):
    url, _ = target
    app = create_service_app(ServiceConfig(name="probe", database_url=url, redis_url=REDIS_URL, jwt_secret=SECRET),
                             title="probe", blueprints=[])
    db = database_of(app)
    try:
        fill_pools(db)
        assert app.test_client().get("/probe/readyz").status_code == 200
        db._autocommit_engine.dispose()
        db._autocommit_engine = Database(url.replace(f":{make_url(url).port}/", ":1/"))._new_engine(
            isolation_level="AUTOCOMMIT")  # that pool cannot reach the server; the other one can
        resp = app.test_client().get("/probe/readyz")
        assert resp.status_code == 503 and resp.get_json()["checks"]["database"].startswith("error")
    finally:
        db.dispose()
