"""Database engine and sessions; one unit of work per request.

Domain functions change state and flush; the request commits once (in the
app factory's after_request) or rolls back. Nothing connects at import time.
"""
from __future__ import annotations

import select
import threading
import uuid
from contextlib import contextmanager
from datetime import timezone
from typing import Iterator

from flask import Flask, current_app, g
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator


def new_id(prefix: str) -> str:
    """Opaque, unguessable ids with a readable prefix (ofr_..., ses_...)."""
    return f"{prefix}_{uuid.uuid4().hex}"


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    """Each service's own MetaData, with constraint names Alembic can rely on."""
    return MetaData(naming_convention=NAMING_CONVENTION)


_sqlite_writers: dict[str, threading.Lock] = {}
_sqlite_writers_guard = threading.Lock()


def _writer_lock(url: str) -> threading.Lock:
    with _sqlite_writers_guard:
        return _sqlite_writers.setdefault(url, threading.Lock())


def _sqlite_connect_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy emit BEGIN itself (see below), and wait for locks.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()


def _sqlite_writer_queue(engine: Engine) -> None:
    # Writers of one file queue on a lock in this process, and the next is woken
    # the moment a transaction ends; SQLite's own busy handler would make them
    # sleep and retry (up to 100 ms a time). SQLite's lock still guards against
    # other processes.
    writers = _writer_lock(str(engine.url))

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: two transactions can never
        # both read then deadlock trying to upgrade. SQLite is the embedded
        # default; PostgreSQL is what production and the rush run on.
        writers.acquire()
        conn.info["holds_writer_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)
            raise

    def _release(conn):
        if conn.info.pop("holds_writer_lock", False):
            writers.release()

    # Fired just before the DBAPI commit/rollback: the next writer may begin a
    # moment early, and SQLite's own lock covers that moment.
    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        # A connection handed back while still holding the lock (any path that
        # skipped commit and rollback) lets go of it here.
        if record.info.pop("holds_writer_lock", False):
            writers.release()


def _dropped(dbapi_conn) -> bool:
    """Has the server dropped this idle connection? One poll(2) of its socket, no round trip.

    An idle connection has nothing to read: when the server ends it (restart,
    failover, pg_terminate_backend) it sends its last words and closes, and
    the socket turns readable. Seen before anything is sent, so nothing is lost."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        return True
    try:
        fd = dbapi_conn.pgconn.socket
    except Exception:  # psycopg says the connection is gone
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _discard_dropped_connections(engine: Engine) -> None:
    # The pool invalidates a connection whose checkout raises DisconnectionError
    # and hands out another one (a new one if need be).
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, _record, _proxy):
        if _dropped(dbapi_conn):
            raise DisconnectionError("the server closed this pooled connection")


class Database:
    """One service's database: engine, session factory, unit-of-work helpers."""

    def __init__(self, url: str, *, pool_size: int = 10):
        self.url = url
        self._pool_size = pool_size
        self._engine: Engine | None = None
        self._autocommit_engine: Engine | None = None
        self._factory: sessionmaker | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = self._new_engine()
            if self.is_sqlite:
                _sqlite_writer_queue(engine)
            self._engine = engine
            self._factory = sessionmaker(bind=engine, expire_on_commit=False)
        return self._engine

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection on which each statement commits by itself: no BEGIN, no COMMIT.

        For hot paths whose reads need no common snapshot and whose write is one
        statement: on PostgreSQL that saves two of four round trips, and on SQLite
        the reads do not queue behind writers (nothing here takes the writer lock)."""
        if self._autocommit_engine is None:
            self._autocommit_engine = self._new_engine(isolation_level="AUTOCOMMIT")
        with self._autocommit_engine.connect() as conn:
            yield conn

    def _new_engine(self, **options) -> Engine:
        if self.is_sqlite:
            # Pooled: opening a SQLite file in WAL mode per request costs more than the request.
            engine = create_engine(self.url, pool_size=self._pool_size, max_overflow=2 * self._pool_size,
                                   connect_args={"check_same_thread": False, "timeout": 30}, **options)
            _sqlite_connect_pragmas(engine)
            return engine
        # No pre-ping (a round trip per request): a connection the server dropped
        # is seen on checkout by polling its socket, and replaced before use.
        engine = create_engine(self.url, pool_size=self._pool_size, max_overflow=self._pool_size,
                               pool_recycle=1800, **options)
        _discard_dropped_connections(engine)
        return engine

    def session(self) -> Session:
        self.engine  # noqa: B018 - builds the factory on first use
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work outside a request (workers, CLI, demo loader)."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """A statement through each pool in use (requests use both)."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if self._autocommit_engine is not None:
            with self.autocommit() as conn:
                conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        for engine in (self._engine, self._autocommit_engine):
            if engine is not None:
                engine.dispose()


_EXTENSION = "unionhub.db"  # where an app keeps its Database: use the functions below


def install_database(app: Flask, database: Database) -> None:
    app.extensions[_EXTENSION] = database


def database_of(app: Flask) -> Database:
    """An app's Database (tests, bench, start-up: code that holds the app)."""
    return app.extensions[_EXTENSION]


def current_database() -> Database:
    """The Database of the app handling the current request."""
    return database_of(current_app)


def request_session() -> Session:
    """The current request's session, opened on first use."""
    session = g.get("_db_session")
    if session is None:
        session = current_database().session()
        g._db_session = session
    return session


def like_escape(term: str) -> str:
    """Make % and _ literal in a LIKE pattern (used with escape='\\')."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(column, term: str):
    return column.like(f"%{like_escape(term)}%", escape="\\")


def to_path(ids) -> str:
    """["u-city", "u-sip"] -> "/u-city/u-sip/": a union's ancestors and itself."""
    return "/" + "".join(f"{i}/" for i in ids)


def path_ids(path: str) -> list[str]:
    """"/u-city/u-sip/" -> ["u-city", "u-sip"]."""
    return [p for p in path.split("/") if p]


def path_contains(column, node_id: str):
    """A '/a/b/c/' path column holds node_id: the union itself or one below it."""
    return column.like(f"%/{like_escape(node_id)}/%", escape="\\")
