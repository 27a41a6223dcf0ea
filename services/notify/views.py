"""Notify HTTP endpoints: parse, call the rules, dump."""
from __future__ import annotations

from flask.views import MethodView

from shared.api import Blueprint, page_of, problems
from shared.auth import authenticated, current_principal
from shared.db import request_session
from shared.timeutil import utcnow

from . import deliveries, inbox, preferences
from .schemas import (DeliveryQuery, DeliverySchema, InboxQuery, MarkedSchema, NotificationSchema,
                      PreferencesInSchema, PreferencesSchema)

blp = Blueprint("notify", __name__, url_prefix="/notify",
                description="The inbox, channel preferences, and what went out through SMS and WeChat.")


@blp.route("/inbox")
class Inbox(MethodView):
    @authenticated()
    @blp.arguments(InboxQuery, location="query")
    @blp.response(200, page_of(NotificationSchema))
    def get(self, args):
        """The inbox, newest first: a worker's own; staff: what is addressed to their union; admin: any union's."""
        return inbox.list_inbox(request_session(), current_principal(), args)


@blp.route("/inbox/<notification_id>/read")
class MarkRead(MethodView):
    @authenticated()
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one notification read (again: no change). Another's is 404."""
        return inbox.mark_read(request_session(), current_principal(), notification_id, utcnow())


@blp.route("/inbox/read-all")
class MarkAllRead(MethodView):
    @authenticated()
    @blp.response(200, MarkedSchema)
    def post(self):
        """Mark everything in the caller's inbox read."""
        return {"marked": inbox.mark_all_read(request_session(), current_principal(), utcnow())}


@blp.route("/preferences")
class Preferences(MethodView):
    @authenticated("worker")
    @blp.response(200, PreferencesSchema)
    def get(self):
        """The worker's channels (the inbox is always on); the number masked."""
        return preferences.read(request_session(), current_principal())

    @authenticated("worker")
    @blp.arguments(PreferencesInSchema)
    @blp.response(200, PreferencesSchema)
    def put(self, data):
        """Turn SMS and WeChat on or off; give (or remove, with null) the number and the WeChat openid."""
        return preferences.save(request_session(), current_principal(), data, utcnow())


@blp.route("/deliveries")
class Deliveries(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, page_of(DeliverySchema))
    def get(self, args):
        """Sends through SMS and WeChat, latest first (?status=failed): staff see those about their unions' offers
        and needs, admins all."""
        return deliveries.list_deliveries(request_session(), current_principal(), args)


@blp.route("/deliveries/<delivery_id>/retry")
class RetryDelivery(MethodView):
    @authenticated("staff", "admin")
    @blp.response(200, DeliverySchema)
    @blp.doc(responses=problems(_409="invalid-state: only a failed delivery can be sent again."))
    def post(self, delivery_id):
        """Send a failed delivery again, at once, with a fresh count of attempts."""
        return deliveries.retry(request_session(), current_principal(), delivery_id, utcnow())
