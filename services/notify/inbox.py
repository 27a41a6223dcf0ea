"""The inbox: the one path that posts notifications (with their channel deliveries), and what a
caller may read and mark read.

Posting inserts with ON CONFLICT DO NOTHING on (recipient, trigger): a redelivered event, a timer
fired twice or two workers applying the same event make one notification, and only a notification
inserted now gets deliveries. Workers get deliveries through each channel they keep on and have an
address for; staff (a union) read theirs in the inbox only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import new_id
from shared.errors import Forbidden, NotFound

from . import kinds, rules
from .models import Delivery, Notification, Preference
from .texts import Message


@dataclass(frozen=True)
class Outgoing:
    recipient_kind: str  # kinds.WORKER | kinds.UNION
    recipient_id: str
    trigger: str  # the event id, or a key naming the thing once
    message: Message
    union_path: str = ""
    target_at: datetime | None = None  # what a reminder reminds of (is it today?)


def insert_ignoring_duplicates(session: Session, table):
    """INSERT ... ON CONFLICT DO NOTHING, on PostgreSQL and on SQLite."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def post(session: Session, items: list[Outgoing], now: datetime) -> int:
    """Post notifications; returns how many are new (the others existed already)."""
    if not items:
        return 0
    rows = {}
    for item in items:
        rows[(item.recipient_kind, item.recipient_id, item.trigger)] = (new_id("ntf"), item)
    stmt = insert_ignoring_duplicates(session, Notification.__table__).returning(Notification.__table__.c.id)
    new = set(session.scalars(stmt, [
        {"id": nid, "recipient_kind": i.recipient_kind, "recipient_id": i.recipient_id, "trigger": i.trigger,
         "type": i.message.type, "title": i.message.title, "body": i.message.body, "link": i.message.link,
         "union_path": i.union_path, "created_at": now, "read_at": None}
        for nid, i in rows.values()]))
    to_workers = [(nid, i) for nid, i in rows.values() if nid in new and i.recipient_kind == kinds.WORKER]
    _add_deliveries(session, to_workers, now)
    return len(new)


def _add_deliveries(session: Session, posted: list[tuple[str, Outgoing]], now: datetime) -> None:
    if not posted:
        return
    prefs = {p.worker_id: p for p in session.scalars(
        select(Preference).where(Preference.worker_id.in_({i.recipient_id for _, i in posted})))}
    rows = []
    for nid, item in posted:
        pref = prefs.get(item.recipient_id)
        if pref is None:
            continue  # no address for any channel: in-app only
        urgent = rules.is_urgent(item.message.type, now, item.target_at)
        for channel in channels_for(pref):
            rows.append({"id": new_id("dlv"), "notification_id": nid, "worker_id": item.recipient_id,
                         "channel": channel, "status": kinds.PENDING, "urgent": urgent, "attempts": 0,
                         "next_attempt_at": now, "last_error": None, "created_at": now, "updated_at": now,
                         "sent_at": None})
    if rows:
        session.execute(insert(Delivery), rows)


def channels_for(pref: Preference | None) -> list[str]:
    """The channels a worker keeps on and has an address for."""
    if pref is None:
        return []
    out = []
    if pref.sms and pref.phone:
        out.append(kinds.SMS)
    if pref.wechat and pref.wechat_openid:
        out.append(kinds.WECHAT)
    return out


def _mine(principal: Principal, union_id: str | None = None):
    """The notifications a caller reads: a worker its own; staff their union's; admin any union's."""
    if principal.is_worker:
        return (Notification.recipient_kind == kinds.WORKER) & (Notification.recipient_id == principal.sub)
    if principal.is_staff:
        if union_id not in (None, principal.union_id):
            raise Forbidden("Staff read the notifications addressed to their own union.")
        return (Notification.recipient_kind == kinds.UNION) & (Notification.recipient_id == principal.union_id)
    where = Notification.recipient_kind == kinds.UNION
    return where & (Notification.recipient_id == union_id) if union_id else where


def list_inbox(session: Session, principal: Principal, args: dict) -> dict:
    stmt = select(Notification).where(_mine(principal, args.get("union_id")))
    if args.get("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(session, stmt, args["page"], args["per_page"])


def mark_read(session: Session, principal: Principal, notification_id: str, now: datetime) -> Notification:
    """Idempotent: reading again keeps the first read_at. Another's notification is 404."""
    found = session.scalars(select(Notification).where(Notification.id == notification_id, _mine(principal))
                            .with_for_update()).first()
    if found is None:
        raise NotFound("No such notification in your inbox.")
    if found.read_at is None:
        found.read_at = now
        session.flush()
    return found


def mark_all_read(session: Session, principal: Principal, now: datetime) -> int:
    result = session.execute(update(Notification).where(_mine(principal), Notification.read_at.is_(None))
                             .values(read_at=now).execution_options(synchronize_session=False))
    return result.rowcount


def unread_count(session: Session, principal: Principal) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(_mine(principal), Notification.read_at.is_(None)))
