"""Matching tables: profiles, needs, the offers and unions read models, the match index, the audit log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UTCDateTime, path_ids, service_metadata
from shared.events import inbox_table, outbox_table
from shared import vocab
from shared.timeutil import utcnow


class Base(DeclarativeBase):
    metadata = service_metadata()


class Profile(Base):
    __tablename__ = "matching_profiles"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    birth_date: Mapped[date] = mapped_column(Date)
    birth_ymd: Mapped[int] = mapped_column(Integer, index=True)  # 19950402: age in SQL (shared.eligibility.ymd)
    district: Mapped[str] = mapped_column(String(20), index=True)
    worker_category: Mapped[str] = mapped_column(String(32), index=True)
    union_member: Mapped[bool] = mapped_column(Boolean, default=False)
    employer: Mapped[str] = mapped_column(String(200), default="")
    children_birth_years: Mapped[list] = mapped_column(JSON, default=list)
    # The union the worker belongs to (optional): who reaches the worker (services.matching.reach).
    union_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Need(Base):
    __tablename__ = "matching_needs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    category_source: Mapped[str] = mapped_column(String(16))  # given | inferred
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | fulfilled
    source: Mapped[str] = mapped_column(String(16))  # interview | online
    interview_point: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when its worker asked for erasure: the text is gone, the row stays for the counts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_matching_needs_category_status", "category", "status"),
        Index("ix_matching_needs_worker_category", "worker_id", "category"),
        Index("ix_matching_needs_created", "created_at", "id"),
    )


class Offer(Base):
    """Read model of catalog's offers, fed by offer.* events."""

    __tablename__ = "matching_offers"

    offer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    union_id: Mapped[str] = mapped_column(String(40))
    union_path: Mapped[str] = mapped_column(String(500), index=True)  # "/root/.../union/"
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[str] = mapped_column(Text, default="")  # title + description, segmented, for BM25
    district: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), index=True)
    eligibility: Mapped[dict] = mapped_column(JSON)
    # Eligibility flattened for SQL: ",a,b," lists ("" = anyone), age bounds, members flag.
    min_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    worker_categories: Mapped[str] = mapped_column(String(400), default="")
    districts: Mapped[str] = mapped_column(String(200), default="")
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    last_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sessions: Mapped[list["OfferSession"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="OfferSession.starts_at")
    category_rows: Mapped[list["OfferCategory"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def categories(self) -> list[str]:
        return [r.category for r in self.category_rows]

    @property
    def union_path_ids(self) -> list[str]:
        return path_ids(self.union_path)


class OfferCategory(Base):
    __tablename__ = "matching_offer_categories"

    offer_id: Mapped[str] = mapped_column(ForeignKey("matching_offers.offer_id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_matching_offer_categories_category", "category", "offer_id"),)


class OfferSession(Base):
    __tablename__ = "matching_offer_sessions"

    session_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("matching_offers.offer_id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)  # places taken, from booking's events


class Match(Base):
    """(offer, worker): the worker has a need in one of the offer's categories and
    meets every eligibility rule except age, which changes with the calendar and is
    checked when read. Kept current by offer, need and profile changes. The worker's
    district, category and birth date are copied here (a profile change rebuilds the
    worker's rows) so that demand is one scan of this table."""

    __tablename__ = "matching_matches"

    offer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    district: Mapped[str] = mapped_column(String(20))
    worker_category: Mapped[str] = mapped_column(String(32))
    birth_ymd: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_matching_matches_worker", "worker_id", "offer_id"),)


# Booking statuses that hold a place: they count as `confirmed` in demand and fulfil a need.
TAKING_A_PLACE = vocab.TAKING_A_PLACE


class Booking(Base):
    """Read model of booking's sign-ups (fed by booking events): what fulfils a need."""

    __tablename__ = "matching_bookings"

    booking_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[str] = mapped_column(String(40), index=True)
    worker_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_matching_bookings_offer_status", "offer_id", "status"),
        Index("ix_matching_bookings_worker", "worker_id", "status"),
    )


class ImportJob(Base):
    """A needs import run by matching's worker (imports.py): its progress, and who may see it."""

    __tablename__ = "matching_import_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    union_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the uploader's (staff); None: admin
    created_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    encoding: Mapped[str] = mapped_column(String(16), default="")  # utf-8 | gb18030 | mixed (csv)
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    rows_done: Mapped[int] = mapped_column(Integer, default=0)  # data rows read (resume after them)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    rejected_total: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list] = mapped_column(JSON, default=list)  # the first 1,000: {"line", "errors"}
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # why it failed (e.g. the header)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the run holding the lease
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_matching_import_jobs_status", "status", "created_at"),
        Index("ix_matching_import_jobs_union", "union_id", "created_at"),
    )


class ImportChunk(Base):
    """The uploaded bytes of a job, in order, until the job is done."""

    __tablename__ = "matching_import_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("matching_import_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Union(Base):
    """Read model of catalog's unions (union.* events): the tree that decides who reaches whom."""

    __tablename__ = "matching_unions"

    union_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    district: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500), index=True)  # "/root/.../self/"

    @property
    def path_ids(self) -> list[str]:
        return path_ids(self.path)


class AuditEntry(Base):
    """Who read a worker's personal data, when, and what (never the data itself)."""

    __tablename__ = "matching_audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_union_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    worker_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))  # profile.read, needs.list, recommendations.read, ...

    __table_args__ = (Index("ix_matching_audit_worker", "worker_id", "id"),)


outbox = outbox_table(Base.metadata, "matching")
inbox = inbox_table(Base.metadata, "matching")
