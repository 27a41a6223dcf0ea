"""What the draw knows of each applicant: the facts behind its weight, read in one query.

- open_need: matching says the worker has an open need in one of the offer's categories
  (booking's copy, booking_open_needs, kept from matching's worker.open_needs events);
- not_served_recently: no confirmed or attended booking on an offer of the same kind whose
  session starts after (now - period_days), this session aside;
- priority_category: the worker's category (booking's copy of the profile) is one of the offer's
  priority_worker_categories (groups such as new_employment expanded);
- no_shows: the worker's no_show bookings on sessions that started in the last 365 days.
The worker's category and district also decide which quotas it qualifies for.

Prebuilt statements: for a whole session (the draw: each table read once) and for a few
bookings (an answer: index look-ups per booking).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import String, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from shared.db import UTCDateTime
from shared.draw import NO_SHOW_DAYS, Facts, quota_test
from shared.vocab import BookingStatus, expand_worker_categories

from .models import BookableSession, Booking, Offer, OpenNeeds, Profile

SERVED = ("confirmed", "attended")


class Applicant(NamedTuple):
    booking_id: str
    worker_id: str
    version: int
    facts: Facts
    in_quotas: frozenset[int]
    applicant: str | None  # the pseudonym and u kept when applying (models.Booking), if they were
    u: float | None


def applicants(tx: Session, offer: Offer, session_id: str, at: datetime, status: str) -> list[Applicant]:
    """Every booking of the session with this status (the draw: every application).

    Three plain statements whose plans do not hang on the tables' statistics: the applications with
    their profiles and open needs (primary-key joins), every worker served by an offer of this kind in
    the period (by offer), every no-show of the year (a partial index); then joined here."""
    params = _params(offer, session_id, at)
    conn = tx.connection()
    rows = conn.execute(_APPLICATIONS, {**params, "status": status}).all()
    served = set(conn.scalars(_SERVED, params))
    no_shows = dict(conn.execute(_NO_SHOWS, params).all())
    return _applicants(offer, ((*row, row.worker_id not in served, no_shows.get(row.worker_id, 0)) for row in rows))


def for_bookings(tx: Session, offer: Offer, session_id: str, at: datetime, booking_ids: list[str]) -> list[Applicant]:
    """Some bookings of the session (an application's answer, a page of them): one statement, index look-ups."""
    rows = tx.execute(_SOME_BOOKINGS, {**_params(offer, session_id, at), "ids": list(booking_ids)}).all()
    return _applicants(offer, ((*row[:-2], not row.served, row.no_shows or 0) for row in rows))


def _params(offer: Offer, session_id: str, at: datetime) -> dict:
    period = (offer.allocation or {}).get("period_days", 365)
    return {"sid": session_id, "kind": offer.kind or "", "at": at, "served_since": at - timedelta(days=period),
            "no_show_since": at - timedelta(days=NO_SHOW_DAYS)}


def _applicants(offer: Offer, rows) -> list[Applicant]:
    """The facts of each row (booking id, worker id, version, pseudonym, u, worker category, district, open
    need categories, not served recently, no-shows). A draw has 100,000 rows but few distinct values of what decides them:
    the open need, the quotas and the Facts themselves are worked out once per value and looked up after."""
    allocation = offer.allocation or {}
    wanted = set(offer.categories or [])
    priority = expand_worker_categories(allocation.get("priority_worker_categories"))
    tests = list(enumerate(quota_test(q) for q in allocation.get("quotas") or []))
    open_need_of: dict[str | None, bool] = {}
    quotas: dict[tuple, frozenset[int]] = {}
    facts_of: dict[tuple, Facts] = {}
    out = []
    for booking_id, worker_id, version, applicant, u, category, district, categories, not_served, no_shows in rows:
        open_need = open_need_of.get(categories)
        if open_need is None:
            open_need = open_need_of[categories] = not wanted.isdisjoint(csv_list(categories))
        in_quotas = quotas.get((category, district))
        if in_quotas is None:
            in_quotas = quotas[category, district] = frozenset(i for i, test in tests if test(category, district))
        key = (open_need, not_served, category in priority, int(no_shows))
        facts = facts_of.get(key)
        if facts is None:
            facts = facts_of[key] = Facts(*key)
        out.append(Applicant(booking_id, worker_id, version, facts, in_quotas, applicant, u))
    return out


def _statements():
    sid, kind = bindparam("sid", type_=String()), bindparam("kind", type_=String())
    at, served_since = bindparam("at", type_=UTCDateTime()), bindparam("served_since", type_=UTCDateTime())
    no_show_since = bindparam("no_show_since", type_=UTCDateTime())
    b, other = Booking, aliased(Booking)
    served_where = (other.status.in_(SERVED), other.session_id != sid, other.session_starts_at > served_since,
                    other.session_id.in_(select(BookableSession.session_id)  # the (session, status) index
                                         .join(Offer, Offer.offer_id == BookableSession.offer_id)
                                         .where(Offer.kind == kind)))
    no_show_where = (other.status == BookingStatus.NO_SHOW, other.session_starts_at > no_show_since, other.session_starts_at <= at)
    facts_of = (b.id, b.worker_id, b.version, b.ballot_applicant, b.ballot_u, Profile.worker_category, Profile.district,
                OpenNeeds.categories)

    def with_profiles(stmt):
        return (stmt.outerjoin(Profile, Profile.worker_id == b.worker_id)
                .outerjoin(OpenNeeds, OpenNeeds.worker_id == b.worker_id))

    applications = with_profiles(select(*facts_of).select_from(b)).where(
        b.session_id == sid, b.status == bindparam("status")).order_by(b.worker_id)  # the draw writes in this order:
    # two of the bookings' indexes lead with worker_id, and entries made in their order cost less
    served = select(other.worker_id).where(*served_where).distinct()
    no_shows = select(other.worker_id, func.count()).where(*no_show_where).group_by(other.worker_id)
    served_one = exists().where(other.worker_id == b.worker_id, *served_where)
    no_shows_one = (select(func.count()).select_from(other).where(other.worker_id == b.worker_id, *no_show_where)
                    .scalar_subquery())
    some = with_profiles(select(*facts_of, served_one.label("served"), no_shows_one.label("no_shows"))
                         .select_from(b)).where(b.session_id == sid, b.id.in_(bindparam("ids", expanding=True)))
    return applications, served, no_shows, some.order_by(b.id)


_APPLICATIONS, _SERVED, _NO_SHOWS, _SOME_BOOKINGS = _statements()  # built once: their compiled forms are cached


def csv_list(csv: str | None) -> list[str]:
    """",a,b," -> ["a", "b"]."""
    return [v for v in (csv or "").split(",") if v]


def quota_csv(indexes) -> str:
    """",0,2,": the quotas an applicant qualifies for, searchable with LIKE '%,0,%'."""
    return "," + ",".join(str(i) for i in sorted(indexes)) + "," if indexes else ""


def quota_list(csv: str) -> list[int]:
    return [int(i) for i in csv.strip(",").split(",") if i]
