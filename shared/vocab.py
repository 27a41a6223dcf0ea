"""Vocabularies every service must agree on (API.md)."""
from __future__ import annotations

from enum import StrEnum


class BookingStatus(StrEnum):
    """A booking's status; the values are what the API, the events and the database carry."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    EXPIRED = "expired"  # still waitlisted when the session started


# Holding a place: the confirmed count of a session is these.
TAKING_A_PLACE = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED)
# Active: a worker holds at most one such booking per session.
ACTIVE_BOOKING = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.ATTENDED)

DISTRICTS = {
    "gusu": "姑苏区",
    "huqiu": "虎丘区（高新区）",
    "wuzhong": "吴中区",
    "xiangcheng": "相城区",
    "wujiang": "吴江区",
    "sip": "苏州工业园区",
    "changshu": "常熟市",
    "zhangjiagang": "张家港市",
    "kunshan": "昆山市",
    "taicang": "太仓市",
}

OFFER_KINDS = ("health_checkup", "rest_trip", "night_class", "talent_apartment", "after_school_class")

NEED_CATEGORIES = (
    "health_checkup",
    "rest_recuperation",
    "skills_learning",
    "housing",
    "childcare",
    "wages_benefits",
    "labour_rights",
    "culture_sports",
    "dating_social",
    "mental_health",
    "commuting_charging",
    "other",
)

# An offer's categories default from its kind.
DEFAULT_CATEGORIES = {
    "health_checkup": ["health_checkup"],
    "rest_trip": ["rest_recuperation"],
    "night_class": ["skills_learning"],
    "talent_apartment": ["housing"],
    "after_school_class": ["childcare"],
}

WORKER_CATEGORIES = (
    "frontline_worker",
    "ride_hailing_driver",
    "delivery_rider",
    "courier",
    "live_streamer",
    "truck_driver",
    "boat_crew",
    "outdoor_worker",
    "model_worker",
    "office_worker",
    "other",
)

# Groups usable in an offer's eligibility.worker_categories.
WORKER_CATEGORY_GROUPS = {
    "new_employment": ("ride_hailing_driver", "delivery_rider", "courier", "live_streamer", "truck_driver"),
}

ELIGIBILITY_WORKER_CATEGORIES = WORKER_CATEGORIES + tuple(WORKER_CATEGORY_GROUPS)

OFFER_STATUSES = ("draft", "published", "closed")
ROLES = ("worker", "staff", "admin")


def expand_worker_categories(values) -> set[str]:
    """Expand groups such as new_employment into their member categories."""
    out: set[str] = set()
    for value in values or ():
        out.update(WORKER_CATEGORY_GROUPS.get(value, (value,)))
    return out
