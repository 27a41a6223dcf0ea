"""Unions: the city federation, district federations, town and enterprise unions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.db import new_id, to_path
from shared.errors import NotFound, ValidationFailed

from . import events
from .models import Union


def create_union(session: Session, data: dict, union_id: str | None = None) -> Union:
    parent_path = "/"
    if data.get("parent_id"):
        parent = session.get(Union, data["parent_id"])
        if parent is None:
            raise ValidationFailed({"parent_id": ["No union has this id."]})
        parent_path = parent.path
    uid = union_id or new_id("uni")
    union = Union(id=uid, name=data["name"].strip(), district=data["district"], parent_id=data.get("parent_id"),
                  path=parent_path + to_path([uid])[1:])
    session.add(union)
    session.flush()
    events.publish_union_event(session, union)
    return union


def get_union(session: Session, union_id: str) -> Union:
    union = session.get(Union, union_id)
    if union is None:
        raise NotFound(f"No union {union_id!r}.")
    return union


def list_unions(session: Session, args: dict) -> dict:
    stmt = select(Union).order_by(Union.path)
    if "parent_id" in args:
        stmt = stmt.where(Union.parent_id == args["parent_id"])
    if "district" in args:
        stmt = stmt.where(Union.district == args["district"])
    return paginate(session, stmt, args["page"], args["per_page"])
