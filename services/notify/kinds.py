"""Notify's vocabularies in one place: what it consumes, the notification types it makes,
recipients, channels, delivery statuses. Event names come from shared.event_types; those of the
need's life (issue 11) and of ballots (issue 12) are spelt here until their publishers add them
there (then these lines become imports)."""
from __future__ import annotations

from shared.event_types import AnswerEvent, BookingEvent, OfferEvent, UnionEvent, WorkerEvent
from shared.vocab import BookingStatus

# Consumed event types, by publishing service.
OFFER_EVENTS = tuple(OfferEvent)
UNION_EVENTS = tuple(UnionEvent)
BOOKING_CONFIRMED = BookingEvent.CONFIRMED
BOOKING_WAITLISTED = BookingEvent.WAITLISTED
BOOKING_PROMOTED = BookingEvent.PROMOTED
BOOKING_CANCELLED = BookingEvent.CANCELLED
BOOKING_ATTENDED = BookingEvent.ATTENDED
BOOKING_EXPIRED = BookingEvent.EXPIRED
BOOKING_OFFERED = "booking.offered"  # a ballot won: accept by `accept_by`
BOOKING_ACCEPTED = "booking.accepted"  # the booking is then confirmed
BOOKING_PASSED_ON = "booking.passed_on"  # not accepted in time: expired
BOOKING_NO_SHOW = "booking.no_show"
OFFER_MATCHES_NEED = AnswerEvent.OFFER_MATCHES_NEED
NEED_ASSIGNED = "need.assigned"
NEED_RESPONDED = "need.responded"
NEED_RESOLVED = "need.resolved"
NEED_REOPENED = "need.reopened"
NEED_ESCALATED = "need.escalated"
WORKER_ERASED = WorkerEvent.ERASED

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

# The booking status each reminder is for (booking's vocabulary; `offered` comes with ballots).
CONFIRMED, OFFERED = BookingStatus.CONFIRMED, "offered"
# Timers.
TIMER_PENDING, TIMER_DONE, TIMER_CANCELLED = "pending", "done", "cancelled"
