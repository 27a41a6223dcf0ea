"""The rules of sending, as pure functions of the clock: quiet hours, what is urgent, back-off.

Quiet hours are 22:00-08:00 in Asia/Shanghai: channel sends wait until 08:00 (the in-app
notification lands at once), except promotions from a waiting list and reminders of something
that happens the same day (or before 08:00, when waiting would make the reminder useless).
Urgent sends are also outside the daily cap: a worker must not miss the place it was given."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from shared.timeutil import LOCAL_TZ, to_local

from . import kinds

QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(8, 0)
RETRY_MAX = timedelta(hours=1)


def is_quiet(now: datetime) -> bool:
    local = to_local(now).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def quiet_ends(now: datetime) -> datetime:
    """The next 08:00 in Asia/Shanghai at or after `now` (when held sends go out)."""
    local = to_local(now)
    release = datetime.combine(local.date(), QUIET_UNTIL, tzinfo=LOCAL_TZ)
    if local >= release:
        release = datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, tzinfo=LOCAL_TZ)
    return release


def is_urgent(notification_type: str, now: datetime, target: datetime | None = None) -> bool:
    """Promotions always; reminders when what they remind of is today (local) or before 08:00."""
    if notification_type == kinds.BOOKING_PROMOTED:
        return True
    if notification_type in (kinds.SESSION_REMINDER, kinds.OFFER_EXPIRING) and target is not None:
        return to_local(target).date() == to_local(now).date() or target <= quiet_ends(now)
    return False


def local_day(now: datetime) -> date:
    return to_local(now).date()


def next_try(now: datetime, attempts: int, base_seconds: float) -> datetime:
    """After the n-th failed attempt: base, 2 x base, 4 x base, ... at most an hour (or base, if longer)."""
    base = timedelta(seconds=base_seconds)
    return now + min(base * 2 ** min(max(0, attempts - 1), 30), max(RETRY_MAX, base))
