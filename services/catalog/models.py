"""Catalog tables: unions, offers, sessions, offer categories, outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UTCDateTime, path_ids, service_metadata
from shared.events import outbox_table
from shared.timeutil import parse_iso, utcnow


class Base(DeclarativeBase):
    metadata = service_metadata()


class Union(Base):
    __tablename__ = "catalog_unions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("catalog_unions.id"), index=True)
    # "/root/.../self/": the union's ancestors and itself; unions never move.
    path: Mapped[str] = mapped_column(String(500), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def path_ids(self) -> list[str]:
        return path_ids(self.path)


class Offer(Base):
    __tablename__ = "catalog_offers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    union_id: Mapped[str] = mapped_column(ForeignKey("catalog_unions.id"), index=True)
    union_path: Mapped[str] = mapped_column(String(500), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    eligibility: Mapped[dict] = mapped_column(JSON)
    per_worker_limit: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: first come, first served; else the ballot's settings (services/catalog/allocation.py).
    allocation: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The draw's seed, secret until the draw: no schema serialises it; only booking receives it.
    ballot_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Raised on every change, so consumers can ignore a stale event.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Title and description in simplified characters, lower-cased: what `q` searches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    sessions: Mapped[list["OfferSession"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferSession.starts_at", lazy="selectin")
    category_rows: Mapped[list["OfferCategory"]] = relationship(
        cascade="all, delete-orphan", order_by="OfferCategory.position", lazy="selectin")

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @categories.setter
    def categories(self, values: list[str]) -> None:
        self.category_rows = [OfferCategory(category=c, position=i) for i, c in enumerate(dict.fromkeys(values))]

    @property
    def union_path_ids(self) -> list[str]:
        return path_ids(self.union_path)

    @property
    def allocation_view(self) -> dict:
        """The allocation as answered: every field, times parsed, the seed's hash (never the seed)."""
        a = self.allocation
        if not a:
            return {"mode": "first_come", "applications_open_at": None, "applications_close_at": None,
                    "accept_within_hours": None, "priority_worker_categories": [], "quotas": [], "period_days": None,
                    "seed_sha256": None}
        return {**a, "applications_open_at": parse_iso(a["applications_open_at"]),
                "applications_close_at": parse_iso(a["applications_close_at"]), "seed_sha256": a.get("seed_sha256")}


class OfferCategory(Base):
    __tablename__ = "catalog_offer_categories"

    offer_id: Mapped[str] = mapped_column(ForeignKey("catalog_offers.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_catalog_offer_categories_category", "category"),)


class OfferSession(Base):
    __tablename__ = "catalog_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("catalog_offers.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)

    offer: Mapped[Offer] = relationship(back_populates="sessions")

    __table_args__ = (Index("ix_catalog_sessions_offer_starts", "offer_id", "starts_at"),)


outbox = outbox_table(Base.metadata, "catalog")
