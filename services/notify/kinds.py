"""Notify's vocabularies in one place: what it consumes, the notification types it makes,
recipients, channels, delivery statuses. Event names and booking statuses come from shared."""
from __future__ import annotations

from shared.event_types import AnswerEvent, BookingEvent, NeedEvent, OfferEvent, SessionEvent, UnionEvent, WorkerEvent
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
BOOKING_OFFERED = BookingEvent.OFFERED  # a ballot won: accept by `accept_by`
BOOKING_ACCEPTED = BookingEvent.ACCEPTED  # the booking is then confirmed
BOOKING_PASSED_ON = BookingEvent.PASSED_ON  # not accepted in time: expired
BOOKING_NO_SHOW = BookingEvent.NO_SHOW
# A ballot's losers in batches: each item as its booking.waitlisted, told that the draw did not pick them.
SESSION_WAITLISTED = SessionEvent.WAITLISTED
OFFER_MATCHES_NEED = AnswerEvent.OFFER_MATCHES_NEED
NEED_ASSIGNED = NeedEvent.ASSIGNED
NEED_RESPONDED = NeedEvent.RESPONDED
NEED_RESOLVED = NeedEvent.RESOLVED
NEED_REOPENED = NeedEvent.REOPENED
NEED_ESCALATED = NeedEvent.ESCALATED
WORKER_ERASED = WorkerEvent.ERASED

# Notification types made by timers (the others carry the type of the event that made them).
SESSION_REMINDER = "session.reminder"  # 24 h before a confirmed booking's session
OFFER_EXPIRING = "booking.offer_expiring"  # 12 h before a won ballot place must be accepted
TYPES = (OFFER_MATCHES_NEED, BOOKING_CONFIRMED, BOOKING_WAITLISTED, SESSION_WAITLISTED, BOOKING_PROMOTED,
         BOOKING_OFFERED, OFFER_EXPIRING, SESSION_REMINDER, NEED_ASSIGNED, NEED_RESPONDED, NEED_RESOLVED, NEED_REOPENED,
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

# The booking status each reminder is for.
CONFIRMED, OFFERED = BookingStatus.CONFIRMED, BookingStatus.OFFERED
# Timers.
TIMER_PENDING, TIMER_DONE, TIMER_CANCELLED = "pending", "done", "cancelled"
