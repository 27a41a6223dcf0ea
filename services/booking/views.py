"""Booking HTTP endpoints: parse, call the rules, dump."""
from __future__ import annotations

import json

from flask import Response, request
from flask.views import MethodView

from shared.api import Blueprint, page_of, problems
from shared import ratelimit
from shared.auth import authenticated, current_principal
from shared.db import current_database, request_session

from . import idempotency, lifecycle, queries, signup
from .schemas import BookingCreateSchema, BookingQuery, BookingSchema, SessionAvailabilitySchema
from .waitlist import positions

blp = Blueprint("booking", __name__, url_prefix="/booking",
                description="Sign-ups that never overbook, with waiting lists and check-in.")

_booking_schema = BookingSchema()
# A worker tries a few sessions; staff at an interview point book for many workers.
SIGN_UPS_PER_MINUTE = {"worker": 30, "staff": 600, "admin": 600}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "description": "Makes retries safe: a repeat with the same key and caller gets the first answer "
                                  "again (header Idempotent-Replayed: true) and books nothing more.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200}}


_LOOK_UP = object()


def booking_out(booking, waitlist_position=_LOOK_UP) -> dict:
    data = {c: getattr(booking, c) for c in ("id", "session_id", "offer_id", "worker_id", "status",
                                             "created_at", "updated_at")}
    if waitlist_position is _LOOK_UP:
        waitlist_position = positions(request_session(), [booking]).get(booking.id)
    data["waitlist_position"] = waitlist_position
    return data


@blp.route("/bookings")
class Bookings(MethodView):
    @ratelimit.replays_first
    @authenticated()
    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema)
    @blp.doc(parameters=[IDEMPOTENCY_KEY], responses=problems(
        _404="not-found: no such session, or its offer is not published.",
        _409="already-booked, full (no waiting list), limit-exceeded, not-open (session started or offer closed); "
             "with an Idempotency-Key: request-in-progress (Retry-After), idempotency-key-reused.",
        _422="validation-error, profile-required, not-eligible (failed_rules names the rules).",
        _429="rate-limited (Retry-After)."))
    def post(self, data):
        """Sign up for a session: confirmed, or waitlisted with a position when it is full.

        Send an Idempotency-Key header to make retries safe: a repeat with the same key gets the
        first answer again (same status and body, header `Idempotent-Replayed: true`) and books
        nothing more."""
        principal = current_principal()
        key = request.headers.get("Idempotency-Key")
        if key is None:
            _admit(principal)
            # committed before the answer is built: the session row is locked for one statement
            return booking_out(*signup.sign_up_and_commit(current_database(), principal, data["session_id"],
                                                          data.get("worker_id")))
        result = idempotency.sign_up_once(
            current_database(), principal, idempotency.check_key(key),
            idempotency.fingerprint("POST", request.path, data), data["session_id"], data.get("worker_id"),
            admit=lambda: _admit(principal), dump=_dump_answer)
        if isinstance(result, idempotency.Replay):
            return Response(result.body, status=result.status, mimetype="application/json",
                            headers={"Idempotent-Replayed": "true"})
        return booking_out(*result)

    @authenticated()
    @blp.arguments(BookingQuery, location="query")
    @blp.response(200, page_of(BookingSchema))
    def get(self, args):
        """List bookings: a worker its own; staff their unions' offers (?session_id=, ?offer_id=)."""
        page = queries.list_bookings(request_session(), current_principal(), args)
        ranks = positions(request_session(), page["items"])  # one query for the page
        page["items"] = [booking_out(b, ranks.get(b.id)) for b in page["items"]]
        return page


def _admit(principal) -> None:
    """The caller's limits, sign-ups' own included; a replay never comes here (it is answered first)."""
    ratelimit.check(principal.sub, principal.role, sign_up=SIGN_UPS_PER_MINUTE[principal.role])


def _dump_answer(result: signup.SignUp) -> str:
    """The 201 body of a sign-up, as an Idempotency-Key stores it to send again."""
    return json.dumps(_booking_schema.dump(booking_out(*result)), ensure_ascii=False)


@blp.route("/bookings/<booking_id>")
class BookingById(MethodView):
    @authenticated()
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """Read one booking (its worker, its offer's staff, admin)."""
        return booking_out(queries.get_booking(request_session(), current_principal(), booking_id))


@blp.route("/bookings/<booking_id>/cancel")
class CancelBooking(MethodView):
    @authenticated()
    @blp.response(200, BookingSchema)
    @blp.doc(responses=problems(_409="not-open (the session has started), invalid-state."))
    def post(self, booking_id):
        """Cancel (or leave the waiting list); a freed place goes to the first in line."""
        return booking_out(lifecycle.cancel(request_session(), current_principal(), booking_id))


@blp.route("/bookings/<booking_id>/check-in")
class CheckIn(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, BookingSchema)
    @blp.doc(responses=problems(_409="invalid-state (not a confirmed booking)."))
    def post(self, booking_id):
        """Check an attendee in (staff of the offer's union and above, admin)."""
        return booking_out(lifecycle.check_in(request_session(), current_principal(), booking_id))


@blp.route("/sessions/<session_id>")
class SessionAvailability(MethodView):
    @blp.response(200, SessionAvailabilitySchema)
    def get(self, session_id):
        """Places left in a session (public)."""
        return queries.session_availability(request_session(), session_id)
