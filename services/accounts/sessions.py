"""The session answer every sign-in and refresh gives: a 2-hour token and who it is for."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from shared.auth import Principal, issue_token
from shared.db import Database
from shared.errors import Unauthorized
from shared.sms import mask_phone

from .models import User, Worker

TOKEN_TTL = timedelta(hours=2)


def for_user(secret: str, user: User) -> dict:
    return _answer(secret, user.id, user.role, user.union_id, user.display_name, user.username)


def for_worker(secret: str, worker: Worker) -> dict:
    return _answer(secret, worker.id, "worker", None, mask_phone(worker.phone_e164), None)


def _answer(secret: str, sub: str, role: str, union_id: str | None, display_name: str, username: str | None) -> dict:
    token = issue_token(secret, sub, role, union_id, ttl=TOKEN_TTL)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    return {"token": token, "expires_at": datetime.fromtimestamp(exp, timezone.utc),
            "user": {"id": sub, "role": role, "union_id": union_id, "display_name": display_name,
                     "username": username}}


def refresh(db: Database, secret: str, principal: Principal) -> dict:
    """A new token for a still-valid one, from the account as it is now (a changed union shows)."""
    with db.transaction() as session:
        if principal.is_worker:
            worker = session.get(Worker, principal.sub)
            if worker is not None:
                return for_worker(secret, worker)
        else:
            user = session.get(User, principal.sub)
            if user is not None and user.active and user.role == principal.role:
                return for_user(secret, user)
    raise Unauthorized("The account is unknown or disabled: sign in again.")
