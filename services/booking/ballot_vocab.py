"""The ballot's words in one place: booking statuses, allocation modes, event names.

(Issue 9 moves the booking statuses and event names into StrEnums in shared/; these join them there.)
"""
from __future__ import annotations

APPLIED, OFFERED, NO_SHOW = "applied", "offered", "no_show"
FIRST_COME, BALLOT = "first_come", "ballot"

APPLIED_EVENT = "booking.applied"      # an application, during the window
OFFERED_EVENT = "booking.offered"      # a place offered by the draw (or passed on): adds accept_by
ACCEPTED_EVENT = "booking.accepted"    # the offer accepted: the booking is confirmed
PASSED_ON_EVENT = "booking.passed_on"  # not accepted in time: the booking is expired, the place goes on
NO_SHOW_EVENT = "booking.no_show"      # a confirmed booking whose worker did not come
SESSION_DRAWN = "session.drawn"        # {session_id, offer_id, applicants, offered}

BOOKING_EVENTS = (APPLIED_EVENT, OFFERED_EVENT, ACCEPTED_EVENT, PASSED_ON_EVENT, NO_SHOW_EVENT)
