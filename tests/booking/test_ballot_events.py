"""Booking publishes the ballot's life: applied, the draw (offered / waitlisted, session.drawn), accepted,
passed on, no-show; matching's demand follows."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import update

from services.booking.models import BookableSession
from shared.events import Envelope, stream_name
from shared.timeutil import parse_iso, utcnow
from tests.booking.ballot_world import apply, build_ballot, close_window, lapse_offers

WORKERS = ("e1", "e2", "e3", "e4")


def published(redis_client, configs):
    stream = stream_name(configs["booking"].stream_prefix, "booking")
    return [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]


def test_the_ballot_life_as_events(client, admin, token, pump, dbs, redis_client, configs):
    world = build_ballot(client, admin, token, pump, workers=WORKERS, capacity=2, alloc={"accept_within_hours": 24})
    made = {w: apply(client, world["tokens"][w], world["session"]).get_json() for w in WORKERS}
    pump()
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["applied"], demand["offered"], demand["confirmed"], demand["waitlisted"]) == (4, 0, 0, 0)
    close_window(dbs, world["session"])
    pump()
    evs = published(redis_client, configs)
    # One booking.offered per winner; the losers in one session.waitlisted (up to 500 to an event).
    assert Counter(e.type for e in evs) == {"booking.applied": 4, "booking.offered": 2, "session.waitlisted": 1,
                                           "session.drawn": 1}
    drawn = next(e for e in evs if e.type == "session.drawn").data
    assert drawn == {"session_id": world["session"], "offer_id": world["offer"]["id"], "applicants": 4, "offered": 2}
    offered = [e.data for e in evs if e.type == "booking.offered"]
    for data in offered:
        assert data["status"] == "offered" and data["version"] == 2
        left = parse_iso(data["accept_by"]) - utcnow()
        assert timedelta(hours=23) < left <= timedelta(hours=24)
    waiting = next(e for e in evs if e.type == "session.waitlisted").data
    assert {k: waiting[k] for k in ("session_id", "offer_id", "status")} == {
        "session_id": world["session"], "offer_id": world["offer"]["id"], "status": "waitlisted"}
    ids = {b["id"]: w for w, b in made.items()}
    assert [item["rank"] for item in waiting["items"]] == [3, 4]  # in draw order, after the two offered
    assert {item["booking_id"] for item in waiting["items"]} == set(ids) - {d["booking_id"] for d in offered}
    assert all(item["version"] == 2 and item["worker_id"] == ids[item["booking_id"]] for item in waiting["items"])
    ranks = {b["id"]: b["ballot"]["rank"] for b in
             client.get("/booking/bookings", token=admin, query_string={"session_id": world["session"]}).get_json()["items"]}
    assert {item["booking_id"]: item["rank"] for item in waiting["items"]} == {
        i: r for i, r in ranks.items() if r in (3, 4)}
    assert {e.data["status"] for e in evs if e.type == "booking.applied"} == {"applied"}
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["applied"], demand["offered"], demand["waitlisted"]) == (0, 2, 2)
    by_id = {b["id"]: w for w, b in made.items()}
    winner, loser = (by_id[d["booking_id"]] for d in offered)
    client.post(f"/booking/bookings/{made[winner]['id']}/accept", token=world["tokens"][winner])
    lapse_offers(dbs, world["session"])
    pump()
    evs = published(redis_client, configs)
    accepted = [e.data for e in evs if e.type == "booking.accepted"]
    assert [(d["booking_id"], d["status"], d["version"]) for d in accepted] == [(made[winner]["id"], "confirmed", 3)]
    passed = [e.data for e in evs if e.type == "booking.passed_on"]
    assert [(d["booking_id"], d["status"]) for d in passed] == [(made[loser]["id"], "expired")]
    assert Counter(e.type for e in evs)["booking.offered"] == 3  # the next in draw order
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["confirmed"], demand["offered"], demand["waitlisted"]) == (1, 1, 1)
    with dbs["booking"].transaction() as s:
        s.execute(update(BookableSession).values(starts_at=utcnow() - timedelta(hours=2), ends_at=utcnow() - timedelta(hours=1)))
    client.post(f"/booking/bookings/{made[winner]['id']}/no-show", token=world["staff"])
    pump()
    no_show = [e.data for e in published(redis_client, configs) if e.type == "booking.no_show"]
    assert [(d["booking_id"], d["status"], d["worker_id"]) for d in no_show] == [(made[winner]["id"], "no_show",
                                                                                  winner)]
