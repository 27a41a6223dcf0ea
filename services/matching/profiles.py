"""Worker profiles: what eligibility is decided on, and (union_id, district) who reaches the worker."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.eligibility import ymd
from shared.errors import NotFound, ValidationFailed
from shared.timeutil import utcnow

from . import audit, events, matches
from .models import Profile, Union
from .reach import check_reaches, not_found


def check_may_write(principal: Principal, worker_id: str) -> None:
    """A worker writes only for itself; another worker is one it may not see (404, as everywhere)."""
    if not principal.may_act_for_worker(worker_id):
        raise not_found(worker_id)


def put_profile(session: Session, principal: Principal, worker_id: str, data: dict) -> tuple[Profile, bool]:
    """Create or replace; returns (profile, created). Staff create any worker's first profile
    (interviews happen anywhere) but change only the profiles of workers they reach."""
    check_may_write(principal, worker_id)
    profile = session.get(Profile, worker_id, with_for_update=True)
    if profile is not None and principal.is_staff:
        check_reaches(session, principal, worker_id)
    union_id = data.get("union_id")
    if union_id is not None and session.get(Union, union_id) is None:
        raise ValidationFailed({"union_id": ["No union has this id."]})
    created = profile is None
    if created:
        profile = Profile(worker_id=worker_id, created_at=utcnow(), revision=0)
    save_profiles(session, [(profile, {**data, "union_id": union_id})])
    return profile, created


def save_profiles(session: Session, changes: list[tuple[Profile, dict]]) -> None:
    """The one way profiles are saved (a PUT, the demo): set each from its data, count the revision,
    recompute the workers' matches and tell booking (profile.saved)."""
    now = utcnow()
    for profile, data in changes:
        profile.birth_date = data["birth_date"]
        profile.birth_ymd = ymd(data["birth_date"])
        profile.district = data["district"]
        profile.worker_category = data["worker_category"]
        profile.union_member = data["union_member"]
        profile.employer = data["employer"].strip()
        profile.children_birth_years = sorted(data["children_birth_years"])
        profile.union_id = data.get("union_id")
        profile.revision += 1
        profile.updated_at = now
    session.add_all([profile for profile, _ in changes])
    session.flush()
    matches.refresh_workers(session, [profile.worker_id for profile, _ in changes])
    for profile, _ in changes:
        events.publish_profile_saved(session, profile)


def get_profile(session: Session, principal: Principal, worker_id: str) -> Profile:
    profile = check_reaches(session, principal, worker_id)
    if profile is None:
        raise NotFound(f"Worker {worker_id!r} has no profile yet.")
    audit.record(session, principal, audit.PROFILE_READ, [worker_id])
    return profile
