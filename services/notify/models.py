"""Notify tables: notifications (the inbox), deliveries through channels, preferences, the daily
send counts, timers; read models of offers, sessions, unions and bookings; the event inbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, service_metadata
from shared.events import inbox_table
from shared.timeutil import utcnow


class Base(DeclarativeBase):
    metadata = service_metadata()


class Notification(Base):
    """One message in a recipient's inbox. At most one per recipient and trigger, by constraint:
    a redelivered event, or two workers applying it, never makes a second."""

    __tablename__ = "notify_notifications"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(8))  # worker | union
    recipient_id: Mapped[str] = mapped_column(String(64))  # a worker's id, or a union's (its staff read it)
    # What made it: the event's id, or a key naming the thing once (offer.matches_need:<offer>, a timer's key).
    trigger: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300), nullable=True)  # a page of the site, e.g. /offers/<id>
    # The union owning what it is about (the offer's, the need's): "/root/.../union/" or "" when unknown.
    # Staff of that union and above see this notification's failed deliveries.
    union_path: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("recipient_kind", "recipient_id", "trigger"),
        Index("ix_notify_notifications_inbox", "recipient_kind", "recipient_id", "created_at"),
    )


class Delivery(Base):
    """A notification going out through one channel: a due row the worker polls (SKIP LOCKED)."""

    __tablename__ = "notify_deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notify_notifications.id", ondelete="CASCADE"))
    worker_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # sms | wechat
    status: Mapped[str] = mapped_column(String(16))  # kinds.DELIVERY_STATUSES
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # not held in quiet hours, not capped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # None: final
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)  # never a number or a text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        Index("ix_notify_deliveries_due", "status", "next_attempt_at"),
        Index("ix_notify_deliveries_worker", "worker_id"),
    )


class Preference(Base):
    """A worker's channels. No row: both on (nothing goes out without an address anyway)."""

    __tablename__ = "notify_preferences"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sms: Mapped[bool] = mapped_column(Boolean, default=True)
    wechat: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)  # +86..., personal data: never logged
    wechat_openid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DailySend(Base):
    """Channel sends per worker, channel and day (Asia/Shanghai): the daily cap, taken with a
    conditional UPDATE so that two workers never both take the last one."""

    __tablename__ = "notify_daily_sends"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Timer(Base):
    """A notification due later (a session reminder, a ballot place about to lapse): polled by
    due_at with SKIP LOCKED, so it survives a restart and fires once with several workers."""

    __tablename__ = "notify_timers"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "<type>:<booking id>"
    type: Mapped[str] = mapped_column(String(40))  # session.reminder | booking.offer_expiring
    worker_id: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[str] = mapped_column(String(40), index=True)
    session_id: Mapped[str] = mapped_column(String(40), index=True)
    offer_id: Mapped[str] = mapped_column(String(40))
    target_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # the start, or accept_by
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # None: start not known yet
    status: Mapped[str] = mapped_column(String(16))  # pending | done | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_notify_timers_due", "status", "due_at"),)


class Offer(Base):
    """Read model of catalog's offers (offer.* events): titles, address, owning union."""

    __tablename__ = "notify_offers"

    offer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    union_path: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16))


class OfferSession(Base):
    """Read model of the offers' sessions: when each starts (session reminders)."""

    __tablename__ = "notify_sessions"

    session_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(40), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Union(Base):
    """Read model of catalog's unions (union.* events): names, and paths for what staff may see."""

    __tablename__ = "notify_unions"

    union_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(500))  # "/root/.../self/"


class Booking(Base):
    """Read model of booking's bookings: the newest state by version (a late event changes nothing)."""

    __tablename__ = "notify_bookings"

    booking_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(64), index=True)
    session_id: Mapped[str] = mapped_column(String(40))
    offer_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)


inbox = inbox_table(Base.metadata, "notify")
