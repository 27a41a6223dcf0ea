"""Notify's vocabularies in one place: what it consumes, the notification types it makes,
recipients, channels, delivery statuses. (Issue 9 moves event type names to shared/; then
these constants become imports from there.)"""
from __future__ import annotations

# Consumed event types, by publishing service.
OFFER_EVENTS = ("offer.published", "offer.updated", "offer.closed")
UNION_EVENTS = ("union.created", "union.saved")
BOOKING_CONFIRMED = "booking.confirmed"
BOOKING_WAITLISTED = "booking.waitlisted"
BOOKING_PROMOTED = "booking.promoted"
BOOKING_OFFERED = "booking.offered"  # a ballot won: accept by `accept_by`
BOOKING_ACCEPTED = "booking.accepted"  # the booking is then confirmed
BOOKING_CANCELLED = "booking.cancelled"
BOOKING_ATTENDED = "booking.attended"
BOOKING_EXPIRED = "booking.expired"
BOOKING_PASSED_ON = "booking.passed_on"  # not accepted in time: expired
BOOKING_NO_SHOW = "booking.no_show"
OFFER_MATCHES_NEED = "offer.matches_need"
NEED_ASSIGNED = "need.assigned"
NEED_RESPONDED = "need.responded"
NEED_RESOLVED = "need.resolved"
NEED_REOPENED = "need.reopened"
NEED_ESCALATED = "need.escalated"
WORKER_ERASED = "worker.erased"

# Notification types made by timers (the others carry the type of the event that made them).
SESSION_REMINDER = "session.reminder"  # 24 h before a confirmed booking's session
OFFER_EXPIRING = "booking.offer_expiring"  # 12 h before a won ballot place must be accepted
TYPES = (OFFER_MATCHES_NEED, BOOKING_CONFIRMED, BOOKING_WAITLISTED, BOOKING_PROMOTED, BOOKING_OFFERED,
         OFFER_EXPIRING, SESSION_REMINDER, NEED_ASSIGNED, NEED_RESPONDED, NEED_RESOLVED, NEED_REOPENED,
         NEED_ESCALATED)

# Who a notification is for: a worker (its id, the token's sub) or a union's staff.
WORKER, UNION = "worker", "union"

# Channels besides the in-app inbox (always on).
SMS, WECHAT = "sms", "wechat"
CHANNELS = (SMS, WECHAT)

# A delivery (one notification through one channel).
PENDING = "pending"  # due at next_attempt_at (new, or waiting to be tried again)
HELD = "held"  # quiet hours: due at 08:00
SENDING = "sending"  # claimed by a worker; due again if it died (the claim's lease)
SENT = "sent"
FAILED = "failed"  # every attempt failed, or the channel refused for good
SKIPPED = "skipped"  # channel turned off, no address, or the day's cap reached
DELIVERY_STATUSES = (PENDING, HELD, SENDING, SENT, FAILED, SKIPPED)
DUE = (PENDING, HELD, SENDING)

# Booking statuses (booking's vocabulary) a session reminder is still for.
REMIND_WHILE = ("confirmed",)
# Timers.
TIMER_PENDING, TIMER_DONE, TIMER_CANCELLED = "pending", "done", "cancelled"
