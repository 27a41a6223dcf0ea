"""The eligibility rule, one pure function that matching and booking both apply.

Ages are whole years on the given day in Asia/Shanghai; bounds are inclusive
("40 and under" is max_age 40). worker_categories may name the group
new_employment; empty lists mean anyone / anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .vocab import expand_worker_categories


@dataclass(frozen=True)
class WorkerAttrs:
    birth_date: date
    district: str
    worker_category: str
    union_member: bool


@dataclass(frozen=True)
class Failure:
    rule: str  # min_age | max_age | worker_categories | districts | members_only
    message: str


def age_on(birth_date: date, day: date) -> int:
    """Whole years: the birthday counts from the day itself (29 Feb: from 1 Mar)."""
    return (ymd(day) - ymd(birth_date)) // 10000


def ymd(day: date) -> int:
    """20261124 for 2026-11-24: integer age arithmetic that SQL can do too."""
    return day.year * 10000 + day.month * 100 + day.day


def check(eligibility: dict, worker: WorkerAttrs, today: date) -> list[Failure]:
    """The rules this worker fails for an offer's eligibility; empty means eligible."""
    failures = []
    age = age_on(worker.birth_date, today)
    lo, hi = eligibility.get("min_age"), eligibility.get("max_age")
    if lo is not None and age < lo:
        failures.append(Failure("min_age", f"must be at least {lo} years old (is {age})"))
    if hi is not None and age > hi:
        failures.append(Failure("max_age", f"must be {hi} or under (is {age})"))
    allowed = expand_worker_categories(eligibility.get("worker_categories"))
    if allowed and worker.worker_category not in allowed:
        failures.append(Failure("worker_categories",
                                f"is for {', '.join(eligibility['worker_categories'])} (not {worker.worker_category})"))
    districts = eligibility.get("districts") or []
    if districts and worker.district not in districts:
        failures.append(Failure("districts", f"is for workers in {', '.join(districts)} (not {worker.district})"))
    if eligibility.get("members_only") and not worker.union_member:
        failures.append(Failure("members_only", "is for union members only"))
    return failures
