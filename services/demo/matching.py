"""Demo workers and needs: 300 workers and about 700 needs by default; with
DEMO=campaign the campaign's size (10,500 workers, 9,953 interview needs and
22,706 online ones). A few needs belong to workers with no profile yet."""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from shared.config import ServiceConfig
from shared.db import Database
from shared.timeutil import local_today, utcnow

from services.matching.models import Profile
from services.matching.needs import add_needs, new_need
from services.matching.profiles import save_profiles

from . import population

log = logging.getLogger("unionhub.demo")
RECORDER = "demo-interviewer"
SMALL = {"workers": 300, "interview": 200, "online": 500}
CAMPAIGN = {"workers": 10_500, "interview": 9_953, "online": 22_706}
BATCH = 2000
# Members of an enterprise union in its district belong to it (profile union_id): its staff reach them.
ENTERPRISE_UNIONS = {("boat_crew", "wujiang"): "u-boat", ("ride_hailing_driver", "sip"): "u-didi",
                     ("truck_driver", "xiangcheng"): "u-logistics", ("office_worker", "gusu"): "u-bank"}


def load(config: ServiceConfig, campaign: bool = False) -> None:
    size = CAMPAIGN if campaign else SMALL
    db = Database(config.database_url)
    with db.transaction() as session:
        have = session.scalar(select(func.count()).select_from(Profile).where(Profile.worker_id.like("demo-w%")))
        if have >= size["workers"]:
            log.info("demo matching: already loaded (%d workers)", have)
            return
    people = population.workers(size["workers"], prefix="demo-w", today=local_today())[have:]
    ids = [f"demo-w{i:05d}" for i in range(1, size["workers"] + 1)]
    rows = (population.needs_for(ids, size["online"], seed=13 + have, source="online")
            + population.needs_for(ids, size["interview"], seed=17 + have, source="interview")
            + population.needs_for(["demo-x1", "demo-x2", "demo-x3"], 6, seed=19 + have))  # no profile yet
    for i in range(0, max(len(people), len(rows)), BATCH):
        with db.transaction() as session:  # batches: bounded transactions, events relayed as they commit
            _add_profiles(session, people[i:i + BATCH])
            add_needs(session, [new_need(r["worker_id"], r["text"], None, r["source"], r["interview_point"], RECORDER)
                                for r in rows[i:i + BATCH]])
    db.dispose()
    log.info("demo matching: %d workers and %d needs added", len(people), len(rows))


def _add_profiles(session, people: list[dict]) -> None:
    """Saved as any profile is (booking learns them from profile.saved)."""
    if people:
        now = utcnow()
        save_profiles(session, [(Profile(worker_id=p["worker_id"], created_at=now, revision=0),
                                 {**p, "union_id": union_of(p)}) for p in people])


def union_of(person: dict) -> str | None:
    if not person["union_member"]:
        return None
    return ENTERPRISE_UNIONS.get((person["worker_category"], person["district"]))
