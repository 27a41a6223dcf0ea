"""Who reaches whom: the one rule for reading and changing a worker's personal data.

A staff member reaches a worker when the worker's profile `union_id` is the staff
member's union or a union below it, or, for a worker with no `union_id`, when the
worker's `district` is the district of the staff member's union or of a union below
it. A union with no parent (the city federation) reaches everyone, and so does an
admin; a worker reaches itself. A worker with no profile has neither union nor
district: only the city federation, admins and the worker itself reach it.

`Reach` is decided once per request from matching's union read model (fed by
catalog's union events, never by catalog's tables) and then answers both ways: in
Python for one worker (`covers`) and as SQL over profile rows for lists (`sql`),
two forms a test holds together.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.db import path_contains, path_ids
from shared.errors import NotFound

from .models import Profile, Union


class UnionNode(NamedTuple):
    union_id: str
    parent_id: str | None
    district: str
    path: tuple[str, ...]  # root .. itself


@dataclass(frozen=True)
class Reach:
    everyone: bool = False
    unions: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()
    worker: str | None = None  # a worker reaches only itself

    def covers(self, worker_id: str, union_id: str | None, district: str | None) -> bool:
        """Does this reach take in a worker whose profile says union_id and district (None: no profile)?"""
        if self.everyone:
            return True
        if self.worker is not None:
            return worker_id == self.worker
        if union_id is not None:
            return union_id in self.unions
        return district is not None and district in self.districts

    def sql(self, p=Profile):
        """The same rule over a profile row (columns worker_id, union_id, district; NULL when outer-joined)."""
        if self.everyone:
            return true()
        if self.worker is not None:
            return p.worker_id == self.worker
        members = p.union_id.in_(sorted(self.unions)) if self.unions else false()
        others = and_(p.union_id.is_(None), p.district.in_(sorted(self.districts))) if self.districts else false()
        return or_(members, others)


EVERYONE = Reach(everyone=True)


def staff_reach(union_id: str, subtree: Iterable[UnionNode]) -> Reach:
    """A staff member's reach from the unions whose path holds its union (itself and those below)."""
    below = [u for u in subtree if union_id in u.path]
    if any(u.union_id == union_id and u.parent_id is None for u in below):
        return EVERYONE
    return Reach(unions=frozenset({union_id, *(u.union_id for u in below)}),
                 districts=frozenset(u.district for u in below))


def reach_of(session: Session, principal: Principal) -> Reach:
    if principal.is_admin:
        return EVERYONE
    if principal.is_worker:
        return Reach(worker=principal.sub)
    rows = session.execute(select(Union.union_id, Union.parent_id, Union.district, Union.path)
                           .where(path_contains(Union.path, principal.union_id))).all()
    return staff_reach(principal.union_id, [UnionNode(r.union_id, r.parent_id, r.district, tuple(path_ids(r.path)))
                                            for r in rows])


def not_found(worker_id: str) -> NotFound:
    return NotFound(f"No worker {worker_id!r} that you may see.")


def check_reaches(session: Session, principal: Principal, worker_id: str, *, lock: bool = False) -> Profile | None:
    """The worker's profile (None if it has none) when the caller reaches the worker; else 404."""
    profile = session.get(Profile, worker_id, with_for_update=lock)
    reach = reach_of(session, principal)
    if not reach.covers(worker_id, profile and profile.union_id, profile and profile.district):
        raise not_found(worker_id)
    return profile
