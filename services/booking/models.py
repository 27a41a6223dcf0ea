"""Booking tables: bookings, sessions and offers (read model with live counters),
profiles and open needs (read models), idempotency keys, draws, outbox and inbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, path_ids, service_metadata
from shared.draw import Facts
from shared.events import inbox_table, outbox_table
from shared.timeutil import utcnow
from shared.vocab import ACTIVE_BOOKING

ACTIVE = ACTIVE_BOOKING
ACTIVE_SQL = "status IN (" + ", ".join(f"'{s}'" for s in ACTIVE) + ")"  # literal: partial indexes need it
# The rows the one-active-booking-per-session index holds: the active ones not drawn in a ballot. A drawn
# ballot session takes no more bookings (its window has closed), so its rows need no guard, and leaving
# them out spares the draw an index entry and a uniqueness check for each of its 100,000 applicants.
ONE_PER_SESSION_SQL = ACTIVE_SQL + " AND ballot_rank IS NULL"


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
    kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    categories: Mapped[list | None] = mapped_column(JSON, nullable=True)
    allocation: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # None: first come, first served
    ballot_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)  # secret until the draw

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
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Ballots (services/booking/applications.py, drawrun.py): the window, the counters, the draw's time.
    mode: Mapped[str] = mapped_column(String(16), default="first_come", server_default="first_come")
    applications_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    applied: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    offered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # hold a place until accepted
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


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

    # A ballot application's entry in the draw, written by the draw in the same UPDATE that makes it
    # offered or waitlisted (NULL for first come, and before the draw but for the pseudonym and u; a
    # booking has been drawn when ballot_rank is set). What GET .../draw publishes: the
    # pseudonym (shared.draw.applicant), the factors, weight and rank, the quotas it qualifies for
    # (",0,2,", searchable with LIKE) and its result at the draw. Then the place: the quota it was
    # offered under (NULL: the places left) and, while a place is offered, the time to accept it by
    # (the pass-on timer's due row). waitlist_seq is the rank too: the waiting order.
    ballot_applicant: Mapped[str | None] = mapped_column(String(16), nullable=True)  # set when applying
    # shared.draw.uniform of the seed and the pseudonym, set when applying (secret as the seed is, until the
    # draw): the draw then only weighs and sorts. NULL when the offer had no seed yet: the draw works it out.
    ballot_u: Mapped[float | None] = mapped_column(Float, nullable=True)
    ballot_open_need: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    ballot_not_served_recently: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    ballot_priority_category: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    ballot_no_shows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ballot_weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    ballot_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ballot_in_quotas: Mapped[str | None] = mapped_column(String(40), nullable=True)
    ballot_result: Mapped[str | None] = mapped_column(String(16), nullable=True)  # at the draw: offered | waitlisted
    ballot_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    accept_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        # A worker holds at most one active booking per session: the database says so.
        Index("uq_booking_bookings_active", "session_id", "worker_id", unique=True,
              postgresql_where=text(ONE_PER_SESSION_SQL), sqlite_where=text(ONE_PER_SESSION_SQL)),
        # Also how an offer's bookings are found (by its sessions): there is no index on offer_id, as each
        # index costs every booking row a draw writes.
        Index("ix_booking_bookings_queue", "session_id", "status", "waitlist_seq"),
        Index("ix_booking_bookings_worker_offer", "worker_id", "offer_id"),
        # The draw counts each applicant's no-shows of the year: a small index of them alone.
        Index("ix_booking_bookings_no_show", "worker_id", "session_starts_at",
              postgresql_where=text("status = 'no_show'"), sqlite_where=text("status = 'no_show'")),
        # The places offered and not yet accepted: the pass-on timer's due rows, a small index of them alone.
        Index("ix_booking_bookings_accept_by", "accept_by", postgresql_where=text("accept_by IS NOT NULL"),
              sqlite_where=text("accept_by IS NOT NULL")),
    )

    @property
    def facts(self) -> Facts:
        """The draw's facts of this application (shared.draw.Facts), once drawn."""
        return Facts(self.ballot_open_need, self.ballot_not_served_recently, self.ballot_priority_category,
                     self.ballot_no_shows)


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


class OpenNeeds(Base):
    """The need categories in which a worker has open needs (matching's worker.open_needs events)."""

    __tablename__ = "booking_open_needs"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    categories: Mapped[str] = mapped_column(String(400))  # ",health_checkup,housing,": read by the draw per applicant
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())


class Draw(Base):
    """A session's draw, as published: written once, by whoever locked the session row first."""

    __tablename__ = "booking_draws"

    session_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(40))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    drawn_by: Mapped[str] = mapped_column(String(64))  # "schedule" (the worker at the close) or a staff id
    seed: Mapped[str] = mapped_column(String(64))
    seed_sha256: Mapped[str] = mapped_column(String(64))
    places: Mapped[int] = mapped_column(Integer)
    rules: Mapped[dict] = mapped_column(JSON)  # factors, period_days, priority categories, quotas
    applicants: Mapped[int] = mapped_column(Integer)
    offered: Mapped[int] = mapped_column(Integer)


outbox = outbox_table(Base.metadata, "booking")
inbox = inbox_table(Base.metadata, "booking")
