"""Accounts tables: staff and admin users, workers (by mobile number), sign-in codes, throttles, demo logins."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, service_metadata
from shared.timeutil import utcnow


class Base(DeclarativeBase):
    metadata = service_metadata()


class User(Base):
    """A staff member or an admin: signs in with a username and a password."""

    __tablename__ = "accounts_users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))  # staff | admin
    union_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # staff only
    display_name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Worker(Base):
    """A worker: one stable id per mobile number, made on the first sign-in."""

    __tablename__ = "accounts_workers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # w-<12 hex>, or a demo worker's id
    phone_e164: Mapped[str] = mapped_column(String(20), unique=True)  # +86..., normalised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Code(Base):
    """The one live sign-in code of a number: stored as an HMAC, never in clear."""

    __tablename__ = "accounts_codes"

    phone_e164: Mapped[str] = mapped_column(String(20), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tries_left: Mapped[int] = mapped_column(Integer)


class Throttle(Base):
    """A fixed-window counter (failed sign-ins, codes asked for), and a lock once it is over its limit."""

    __tablename__ = "accounts_throttles"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "<what>:<who>"; numbers are hashed
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DemoLogin(Base):
    """The demo's published sign-ins (GET /accounts/demo). Only the demo loader writes here;
    its passwords and numbers are public by design, and the table is empty outside the demo."""

    __tablename__ = "accounts_demo_logins"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(40), nullable=True)
    password: Mapped[str | None] = mapped_column(String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    union_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    worker_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
