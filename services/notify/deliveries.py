"""What staff see of channel sends: the deliveries of notifications about their unions' things
(an offer, a booking on it, a need their union owns), e.g. the failed ones with their attempts;
admins see all. A failed one may be sent again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import path_contains
from shared.errors import Conflict, NotFound

from . import kinds
from .models import Delivery, Notification


def _in_reach(principal: Principal):
    if principal.is_admin:
        return None
    return path_contains(Notification.union_path, principal.union_id)


def list_deliveries(session: Session, principal: Principal, args: dict) -> dict:
    stmt = select(Delivery, Notification).join(Notification, Notification.id == Delivery.notification_id)
    reach = _in_reach(principal)
    if reach is not None:
        stmt = stmt.where(reach)
    if args.get("status"):
        stmt = stmt.where(Delivery.status == args["status"])
    if args.get("channel"):
        stmt = stmt.where(Delivery.channel == args["channel"])
    stmt = stmt.order_by(Delivery.updated_at.desc(), Delivery.id.desc())
    page = paginate(session, stmt.with_only_columns(Delivery.id), args["page"], args["per_page"])
    ids = list(page["items"])
    rows = {d.id: (d, n) for d, n in session.execute(stmt.where(Delivery.id.in_(ids)))} if ids else {}
    page["items"] = [shown(*rows[i]) for i in ids if i in rows]
    return page


def shown(delivery: Delivery, note: Notification) -> dict:
    return {"id": delivery.id, "notification_id": note.id, "type": note.type, "title": note.title,
            "worker_id": delivery.worker_id, "channel": delivery.channel, "status": delivery.status,
            "attempts": delivery.attempts, "next_attempt_at": delivery.next_attempt_at,
            "last_error": delivery.last_error, "created_at": delivery.created_at, "sent_at": delivery.sent_at}


def retry(session: Session, principal: Principal, delivery_id: str, now: datetime) -> dict:
    """A failed delivery goes out again at once, with a fresh count of attempts (409 if not failed)."""
    stmt = (select(Delivery, Notification).join(Notification, Notification.id == Delivery.notification_id)
            .where(Delivery.id == delivery_id).with_for_update(of=Delivery))
    reach = _in_reach(principal)
    if reach is not None:
        stmt = stmt.where(reach)
    found = session.execute(stmt).first()
    if found is None:
        raise NotFound("No such delivery among your unions' notifications.")
    delivery, note = found
    if delivery.status != kinds.FAILED:
        raise Conflict("Only a failed delivery can be sent again.", slug="invalid-state")
    delivery.status, delivery.attempts, delivery.next_attempt_at = kinds.PENDING, 0, now
    delivery.updated_at = now
    session.flush()
    return shown(delivery, note)
