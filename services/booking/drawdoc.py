"""A session's draw as published (GET /booking/sessions/<id>/draw): everything needed to recompute it.

`seed_sha256` is the commitment the offer showed from its publication (catalog), `seed` the seed
revealed at the draw; `order` lists every applicant under its pseudonym with its factors, weight,
rank, the quotas it qualifies for and its result at the draw. shared.draw.verify recomputes the
order and the places from this document alone (python -m services.cli draw verify).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import draw
from shared.errors import NotFound
from shared.timeutil import to_local

from .models import Booking, Draw
from .priority import quota_list


def document(tx: Session, session_id: str) -> dict:
    record = tx.get(Draw, session_id)
    if record is None:
        raise NotFound(f"No draw of session {session_id!r}: not a ballot, or not drawn yet.")
    b = Booking.__table__.c
    rows = tx.execute(select(b.ballot_applicant, b.ballot_weight, b.ballot_open_need, b.ballot_not_served_recently,
                             b.ballot_priority_category, b.ballot_no_shows, b.ballot_rank, b.ballot_quota,
                             b.ballot_in_quotas, b.ballot_result)
                      .where(b.session_id == session_id, b.ballot_rank.is_not(None)).order_by(b.ballot_rank)).all()
    order = [{"applicant": r.ballot_applicant, "weight": r.ballot_weight,
              "factors": draw.Facts(r.ballot_open_need, r.ballot_not_served_recently, r.ballot_priority_category,
                                    r.ballot_no_shows).multipliers(),
              "rank": r.ballot_rank, "quota": r.ballot_quota, "in_quotas": quota_list(r.ballot_in_quotas),
              "result": r.ballot_result}
             for r in rows]
    rules = record.rules
    shares = [q["share"] for q in rules["quotas"]]
    quotas = [{**q, "places": n} for q, n in zip(rules["quotas"], draw.quota_places(record.places, shares))]
    return {"session_id": record.session_id, "offer_id": record.offer_id,
            "drawn_at": to_local(record.drawn_at).isoformat(),
            "drawn_by": "schedule" if record.drawn_by == "schedule" else "staff",
            "seed": record.seed, "seed_sha256": rules.get("offer_seed_sha256"), "places": record.places,
            "applicants": record.applicants, "offered": record.offered, "factors": rules["factors"],
            "priority_worker_categories": rules["priority_worker_categories"], "quotas": quotas,
            "algorithm": draw.ALGORITHM, "order": order}
