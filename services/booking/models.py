"""Booking tables: bookings, sessions and offers (read model with live counters),
profiles (read model), idempotency keys, outbox and inbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, path_ids, service_metadata
from shared.events import inbox_table, outbox_table
from shared.timeutil import utcnow
from shared.vocab import ACTIVE_BOOKING

ACTIVE = ACTIVE_BOOKING
ACTIVE_SQL = "status IN (" + ", ".join(f"'{s}'" for s in ACTIVE) + ")"  # literal: partial indexes need it


class Base(DeclarativeBase):
    metadata = service_metadata()


class Offer(Base):
    """What booking needs of catalog's offers (offer.* events)."""

    __tablename__ = "booking_offers"

    offer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    union_path: Mapped[str] = mapped_column(String(500), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    eligibility: Mapped[dict] = mapped_column(JSON)
    per_worker_limit: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    waitlist: Mapped[bool] = mapped_column(Boolean)

    @property
    def union_path_ids(self) -> list[str]:
        return path_ids(self.union_path)


class BookableSession(Base):
    """A bookable session (of an offer, not a database session) with its live counters: the row every
    sign-up updates."""

    __tablename__ = "booking_sessions"

    session_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(40), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)   # confirmed + attended
    waitlisted: Mapped[int] = mapped_column(Integer, default=0)
    waitlist_seq: Mapped[int] = mapped_column(Integer, default=0)  # last ticket given out (FIFO order)


class Profile(Base):
    """Eligibility attributes of workers (matching's profile.saved events)."""

    __tablename__ = "booking_profiles"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    birth_date: Mapped[date] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(20))
    worker_category: Mapped[str] = mapped_column(String(32))
    union_member: Mapped[bool] = mapped_column(Boolean)


class Booking(Base):
    __tablename__ = "booking_bookings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(40))
    offer_id: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # a BookingStatus (read back as its plain str value)
    waitlist_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    session_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        # A worker holds at most one active booking per session: the database says so.
        Index("uq_booking_bookings_active", "session_id", "worker_id", unique=True,
              postgresql_where=text(ACTIVE_SQL), sqlite_where=text(ACTIVE_SQL)),
        Index("ix_booking_bookings_queue", "session_id", "status", "waitlist_seq"),
        Index("ix_booking_bookings_worker_offer", "worker_id", "offer_id"),
        Index("ix_booking_bookings_offer", "offer_id", "status"),
    )


class IdempotencyKey(Base):
    """The first answer to (caller, Idempotency-Key); in_flight while it is being made."""

    __tablename__ = "booking_idempotency"

    caller: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # in_flight | done
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


outbox = outbox_table(Base.metadata, "booking")
inbox = inbox_table(Base.metadata, "booking")
