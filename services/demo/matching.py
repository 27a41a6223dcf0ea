"""Demo workers: 300 profiles and about 700 needs, plus a few workers with no profile yet."""
from __future__ import annotations

import logging

from sqlalchemy import func, insert, select

from shared.auth import Principal
from shared.config import ServiceConfig
from shared.db import Database

from services.matching import matches
from services.matching.models import Need, Profile
from services.matching.needs import mark_fulfilled, new_need
from services.matching.profiles import put_profile

from . import population

log = logging.getLogger("unionhub.demo")
STAFF = Principal(sub="demo-interviewer", role="admin")
WORKERS = 300


def load(config: ServiceConfig) -> None:
    db = Database(config.database_url)
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Profile).where(Profile.worker_id.like("demo-w%"))):
            log.info("demo matching: already loaded")
            return
        people = population.workers(WORKERS, prefix="demo-w")
        for person in people:
            put_profile(session, STAFF, person.pop("worker_id"), person)
        ids = [f"demo-w{i:05d}" for i in range(1, WORKERS + 1)]
        rows = population.needs_for(ids, 500, source="online")
        rows += population.needs_for(ids, 200, seed=17, source="interview")
        rows += population.needs_for(["demo-x1", "demo-x2", "demo-x3"], 6, seed=19)  # no profile yet
        batch = [new_need(r["worker_id"], r["text"], None, r["source"], r["interview_point"], STAFF.sub) for r in rows]
        session.execute(insert(Need), batch)
        ids = [row["id"] for row in batch]
        mark_fulfilled(session, ids)
        matches.add_for_needs(session, ids)
    db.dispose()
    log.info("demo matching: %d workers and %d needs added", WORKERS, len(rows))
