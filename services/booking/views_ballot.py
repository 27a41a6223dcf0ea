"""Ballot endpoints: a session's draw (read by anyone, run by staff), accepting a place, no-shows."""
from __future__ import annotations

import json

from flask import Response
from flask.views import MethodView

from shared.api import Blueprint, problems
from shared.auth import authenticated, current_principal
from shared.db import request_session

from . import drawdoc, drawrun, noshow, offering
from .schemas import BookingSchema
from .schemas_ballot import DrawSchema
from .views import booking_out

blp = Blueprint("ballot", __name__, url_prefix="/booking",
                description="Ballots: the draw anyone can check, accepting a place offered, no-shows.")


def _json(body: dict) -> Response:
    """The draw lists every applicant: sent as built (already in its published form), not dumped field by field."""
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@blp.route("/sessions/<session_id>/draw")
class SessionDraw(MethodView):
    @blp.response(200, DrawSchema)
    @blp.doc(responses=problems(_404="not-found: no such session, not a ballot, or not drawn yet."))
    def get(self, session_id):
        """A ballot session's draw (public once drawn): seed, commitment, factors, every applicant in order."""
        return _json(drawdoc.document(request_session(), session_id))

    @authenticated("staff", "admin")
    @blp.response(200, DrawSchema)
    @blp.doc(responses=problems(_403="forbidden: another union's offer, or a worker.",
                                _409="invalid-state: first come, first served; or applications still open."))
    def post(self, session_id):
        """Run the draw now, after the close (staff of the offer's union and above, admin); once drawn, the same
        draw again."""
        drawrun.draw_now(request_session(), current_principal(), session_id)  # commits with the request
        return _json(drawdoc.document(request_session(), session_id))


@blp.route("/bookings/<booking_id>/accept")
class AcceptPlace(MethodView):
    @authenticated()
    @blp.response(200, BookingSchema)
    @blp.doc(responses=problems(_409="invalid-state (no place offered), not-open (the time to accept has passed)."))
    def post(self, booking_id):
        """Accept the place a draw offered (its worker, staff, admin): the booking is confirmed."""
        return booking_out(offering.accept(request_session(), current_principal(), booking_id))


@blp.route("/bookings/<booking_id>/no-show")
class NoShow(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, BookingSchema)
    @blp.doc(responses=problems(_409="invalid-state: not a confirmed booking, or the session has not ended."))
    def post(self, booking_id):
        """Mark a confirmed booking whose worker did not come, after the session ended (staff, admin)."""
        return booking_out(noshow.mark_no_show(request_session(), current_principal(), booking_id))
