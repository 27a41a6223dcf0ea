"""Staff and admin accounts, managed by admins (API) and operators (CLI)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import new_id
from shared.errors import Conflict, NotFound, ValidationFailed

from .models import User
from .passwords import Hasher, normalise_username


def username_taken(username: str) -> Conflict:
    return Conflict(f"The username {username!r} is taken.", slug="username-taken", title="Username taken")


def _check_union(role: str, union_id: str | None) -> None:
    if role == "staff" and not union_id:
        raise ValidationFailed({"union_id": ["A staff member needs a union_id."]})
    if role == "admin" and union_id:
        raise ValidationFailed({"union_id": ["An admin acts for every union: leave union_id out."]})


def create_user(session: Session, hasher: Hasher, data: dict, now: datetime) -> User:
    """A new staff member or admin; 409 username-taken, also when two ask for one name at once."""
    username = normalise_username(data["username"])
    _check_union(data["role"], data.get("union_id"))
    password_hash = hasher.hash(data["password"])  # before the first query: no transaction waits on it
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise username_taken(username)
    user = User(id=new_id("usr"), username=username, password_hash=password_hash,
                role=data["role"], union_id=data.get("union_id") if data["role"] == "staff" else None,
                display_name=data["display_name"].strip(), active=True, created_at=now, updated_at=now)
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise username_taken(username) from None
    return user


def list_users(session: Session, args: dict) -> dict:
    stmt = select(User).order_by(User.created_at, User.username)
    if args.get("role"):
        stmt = stmt.where(User.role == args["role"])
    if args.get("union_id"):
        stmt = stmt.where(User.union_id == args["union_id"])
    return paginate(session, stmt, args["page"], args["per_page"])


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id) if len(user_id) <= 40 and user_id.isprintable() else None  # no NUL to PostgreSQL
    if user is None:
        raise NotFound(f"No staff or admin account {user_id!r}.")
    return user


def update_user(session: Session, admin: Principal, user_id: str, patch: dict, now: datetime) -> User:
    user = get_user(session, user_id)
    if "union_id" in patch:
        _check_union(user.role, patch["union_id"])
        user.union_id = patch["union_id"]
    if "display_name" in patch:
        user.display_name = patch["display_name"].strip()
    if "active" in patch:
        if not patch["active"] and user.id == admin.sub:
            raise ValidationFailed({"active": ["You cannot disable your own account."]})
        user.active = patch["active"]
    user.updated_at = now
    return user
