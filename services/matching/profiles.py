"""Worker profiles: what eligibility is decided on."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.eligibility import ymd
from shared.errors import Forbidden, NotFound
from shared.timeutil import utcnow

from . import events, matches
from .models import Profile


def check_may_write(principal: Principal, worker_id: str) -> None:
    if not principal.may_act_for_worker(worker_id):
        raise Forbidden("A worker may only change its own profile and needs.")


def check_may_read(principal: Principal, worker_id: str) -> None:
    if not principal.may_act_for_worker(worker_id):
        raise NotFound(f"No worker {worker_id!r} that you may see.")


def put_profile(session: Session, principal: Principal, worker_id: str, data: dict) -> tuple[Profile, bool]:
    """Create or replace; returns (profile, created)."""
    check_may_write(principal, worker_id)
    profile = session.get(Profile, worker_id, with_for_update=True)
    created = profile is None
    now = utcnow()
    if created:
        profile = Profile(worker_id=worker_id, created_at=now, revision=0)
        session.add(profile)
    profile.birth_date = data["birth_date"]
    profile.birth_ymd = ymd(data["birth_date"])
    profile.district = data["district"]
    profile.worker_category = data["worker_category"]
    profile.union_member = data["union_member"]
    profile.employer = data["employer"].strip()
    profile.children_birth_years = sorted(data["children_birth_years"])
    profile.revision += 1
    profile.updated_at = now
    session.flush()
    matches.refresh_workers(session, [worker_id])
    events.publish_profile_saved(session, profile)
    return profile, created


def get_profile(session: Session, principal: Principal, worker_id: str) -> Profile:
    check_may_read(principal, worker_id)
    profile = session.get(Profile, worker_id)
    if profile is None:
        raise NotFound(f"Worker {worker_id!r} has no profile yet.")
    return profile
