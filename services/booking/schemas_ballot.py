"""Ballot bodies: a booking's `ballot`, a session's published draw."""
from __future__ import annotations

from marshmallow import fields

from shared.api import LocalDateTime, Schema, always_sent

FACTORS_DOC = ("Each factor's multiplier (1 where it does not apply): open_need 2, not_served_recently 2, "
               "priority_category 1.5, no_shows 0.5 per no-show in the last 365 days; weight is their product.")


@always_sent
class BallotSchema(Schema):
    applicant = fields.String(metadata={"description": "The pseudonym the published draw lists this application "
                                                       "under: SHA-256(session_id:worker_id), first 16 hex."})
    weight = fields.Float()
    factors = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": FACTORS_DOC})
    rank = fields.Integer(allow_none=True, metadata={"description": "Place in the draw's order; null before it."})
    quota = fields.Integer(allow_none=True, metadata={"description": "Index of the quota the place was offered "
                                                                     "under; null otherwise."})
    result = fields.String(allow_none=True, metadata={"description": "At the draw: offered or waitlisted."})
    accept_by = LocalDateTime(allow_none=True, metadata={"description": "While offered: accept before this."})


@always_sent
class DrawEntrySchema(Schema):
    applicant = fields.String()
    weight = fields.Float()
    factors = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": FACTORS_DOC})
    rank = fields.Integer()
    quota = fields.Integer(allow_none=True)
    in_quotas = fields.List(fields.Integer(), metadata={"description": "The quotas (indexes) it qualifies for."})
    result = fields.String(metadata={"description": "offered or waitlisted, at the draw."})


@always_sent
class DrawQuotaSchema(Schema):
    worker_categories = fields.List(fields.String())
    districts = fields.List(fields.String())
    share = fields.Float()
    places = fields.Integer(metadata={"description": "floor(share x places)."})


@always_sent
class DrawSchema(Schema):
    session_id = fields.String()
    offer_id = fields.String()
    drawn_at = fields.String(metadata={"description": "ISO 8601 with offset."})
    drawn_by = fields.String(metadata={"description": "schedule (at the close) or staff (on demand)."})
    seed = fields.String(metadata={"description": "Revealed at the draw: 64 hex characters."})
    seed_sha256 = fields.String(allow_none=True, metadata={"description": "The commitment the offer showed since "
                                                                          "its publication."})
    places = fields.Integer()
    applicants = fields.Integer()
    offered = fields.Integer()
    factors = fields.Dict(metadata={"description": "The published factors, period_days and no_show_days."})
    priority_worker_categories = fields.List(fields.String())
    quotas = fields.List(fields.Nested(DrawQuotaSchema))
    algorithm = fields.String()
    order = fields.List(fields.Nested(DrawEntrySchema), metadata={"description": "Every applicant, by rank."})
