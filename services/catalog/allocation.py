"""How an offer allocates its places: first come, first served (the default) or a ballot.

A ballot has an application window that closes before the first session starts, the hours a
winner has to accept, priority worker categories, quotas and the look-back of the "not served
recently" factor. Its seed is drawn when the offer is published: the offer shows only the
seed's SHA-256 (the commitment); the seed itself stays in `catalog_offers.ballot_seed`, which no
schema serialises, and travels to booking in the offer events (internal, never answered to a
client). Booking reveals it with the draw's result, after the window has closed.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api import Int, LocalDateTime, Schema, always_sent, one_of
from shared.draw import new_seed, seed_sha256
from shared.errors import Conflict, ValidationFailed
from shared.timeutil import parse_iso, utcnow
from shared.vocab import DISTRICTS, ELIGIBILITY_WORKER_CATEGORIES

FIRST_COME, BALLOT = "first_come", "ballot"
MODES = (FIRST_COME, BALLOT)
BALLOT_FIELDS = ("applications_open_at", "applications_close_at", "accept_within_hours",
                 "priority_worker_categories", "quotas", "period_days")
DEFAULTS = {"accept_within_hours": 48, "priority_worker_categories": [], "quotas": [], "period_days": 365}


class Share(fields.Float):
    """A JSON number in (0, 1]: strings and booleans are refused."""

    default_error_messages = {"invalid": "Give a number above 0 and at most 1, e.g. 0.3."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _categories(**kw):
    return fields.List(fields.String(validate=one_of(ELIGIBILITY_WORKER_CATEGORIES)), validate=validate.Length(max=20),
                       **kw)


class QuotaSchema(Schema):
    worker_categories = _categories(load_default=list)
    districts = fields.List(fields.String(validate=one_of(DISTRICTS)), load_default=list,
                            validate=validate.Length(max=len(DISTRICTS)))
    share = Share(required=True, validate=validate.Range(min=0, max=1, min_inclusive=False),
                  metadata={"description": "At least floor(share x places) go to applicants of this quota."})

    @validates_schema
    def _names_someone(self, data, **_):
        if not data.get("worker_categories") and not data.get("districts"):
            raise ValidationError("A quota names worker_categories, districts or both.", "worker_categories")


class AllocationSchema(Schema):
    mode = fields.String(load_default=FIRST_COME, validate=one_of(MODES))
    applications_open_at = LocalDateTime(metadata={"description": "Ballot: before applications_close_at."})
    applications_close_at = LocalDateTime(metadata={"description": "Ballot: before the first session starts."})
    accept_within_hours = Int(validate=validate.Range(min=1, max=720),
                              metadata={"description": "Ballot: hours a winner has to accept (default 48)."})
    priority_worker_categories = _categories()
    quotas = fields.List(fields.Nested(QuotaSchema), validate=validate.Length(max=10),
                         metadata={"description": "Ballot: shares add up to at most 1."})
    period_days = Int(validate=validate.Range(min=1, max=3650),
                      metadata={"description": "Ballot: the look-back of 'not served by an offer of the same kind' "
                                               "(default 365)."})

    @validates_schema
    def _consistent(self, data, **_):
        if data.get("mode", FIRST_COME) == FIRST_COME:
            given = [f for f in BALLOT_FIELDS if f in data]
            if given:
                raise ValidationError(f"Only a ballot takes {', '.join(given)}.", given[0])
            return
        for name in ("applications_open_at", "applications_close_at"):
            if name not in data:
                raise ValidationError("A ballot needs its application window.", name)
        if data["applications_open_at"] >= data["applications_close_at"]:
            raise ValidationError("The window must open before it closes.", "applications_close_at")
        if sum(q["share"] for q in data.get("quotas") or []) > 1 + 1e-9:
            raise ValidationError("The quotas' shares add up to more than 1.", "quotas")


@always_sent
class AllocationOutSchema(Schema):
    mode = fields.String()
    applications_open_at = LocalDateTime(allow_none=True)
    applications_close_at = LocalDateTime(allow_none=True)
    accept_within_hours = fields.Integer(allow_none=True)
    priority_worker_categories = fields.List(fields.String())
    quotas = fields.List(fields.Nested(QuotaSchema))
    period_days = fields.Integer(allow_none=True)
    seed_sha256 = fields.String(allow_none=True, metadata={
        "description": "Read-only: SHA-256 of the draw's seed, committed when the offer is published; the seed "
                       "itself is revealed with the draw (GET /booking/sessions/<id>/draw)."})


def stored(loaded: dict | None) -> dict | None:
    """What the column keeps: None for first come; a ballot with its defaults and times as ISO text."""
    if not loaded or loaded.get("mode", FIRST_COME) == FIRST_COME:
        return None
    out = {"mode": BALLOT, **DEFAULTS, **{k: v for k, v in loaded.items() if k != "mode"}}
    for name in ("applications_open_at", "applications_close_at"):
        out[name] = out[name].isoformat()
    out["quotas"] = [dict(q) for q in out["quotas"]]
    return out


def is_ballot(offer) -> bool:
    return bool(offer.allocation) and offer.allocation.get("mode") == BALLOT


def same(offer, loaded: dict | None) -> bool:
    """A patch that repeats the allocation the offer has (the hash aside) changes nothing."""
    mine = dict(offer.allocation or {})
    mine.pop("seed_sha256", None)
    return (stored(loaded) or None) == (mine or None)


def check_sessions(offer) -> None:
    """A ballot's window closes before its first session starts (422)."""
    if not is_ballot(offer) or not offer.sessions:
        return
    close = parse_iso(offer.allocation["applications_close_at"])
    first = min(s.starts_at for s in offer.sessions)
    if close >= first:
        raise ValidationFailed({"allocation.applications_close_at": [
            "Applications must close before the first session starts."]})


def check_new_sessions(offer, new_sessions: list[dict]) -> None:
    """Once a ballot's window has closed its sessions are drawn: none may be added (409)."""
    if is_ballot(offer) and new_sessions and parse_iso(offer.allocation["applications_close_at"]) <= utcnow():
        raise Conflict("The ballot's application window has closed: its sessions are drawn, none can be added.",
                       slug="invalid-state", title="Not allowed in the offer's current state")


def commit_seed(offer) -> None:
    """At publish: a ballot whose window has not closed gets its seed, and shows the seed's hash."""
    if not is_ballot(offer):
        return
    if parse_iso(offer.allocation["applications_close_at"]) <= utcnow():
        raise Conflict("The ballot's application window has already closed: move it before publishing.",
                       slug="invalid-state", title="Not allowed in the offer's current state")
    offer.ballot_seed = new_seed()
    offer.allocation = {**offer.allocation, "seed_sha256": seed_sha256(offer.ballot_seed)}


def event_fields(offer) -> dict:
    """For the offer events: the allocation as stored (hash included) and, for booking only, the seed."""
    if not is_ballot(offer):
        return {"allocation": {"mode": FIRST_COME}}
    return {"allocation": dict(offer.allocation), "ballot_seed": offer.ballot_seed}
