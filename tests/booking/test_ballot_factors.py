"""Each factor of the weight from the data it rests on, and quotas end to end."""
from datetime import timedelta

from sqlalchemy import select, update

from services.booking.models import Booking, OpenNeeds, BookableSession
from shared import draw
from shared.timeutil import utcnow
from tests.booking.ballot_world import apply, build_ballot, close_window, lapse_offers
from tests.booking.world import book
from tests.factories import iso, make_need, make_offer, make_profile


def factors(client, world, booking):
    return client.get(f"/booking/bookings/{booking['id']}", token=world["staff"]).get_json()["ballot"]


def test_each_factor_from_what_it_rests_on(client, admin, token, pump, dbs):
    workers = ("need", "served", "rider", "absent", "plain")
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=1,
                         alloc={"priority_worker_categories": ["delivery_rider"], "period_days": 200})
    make_profile(client, admin, "rider", worker_category="delivery_rider")
    make_need(client, admin, "need", "想要免费体检")
    make_need(client, admin, "plain", "想学技能", category="skills_learning")  # a need the offer does not serve
    # "served" had a checkup (same kind) 100 days ago; "absent" did not come to a night class 30 days ago.
    other = make_offer(client, admin, world["tree"]["sip"]["id"], title="上次的体检")
    classes = make_offer(client, admin, world["tree"]["sip"]["id"], kind="night_class", title="夜校")
    pump()
    served = book(client, world["tokens"]["served"], other["sessions"][0]["id"]).get_json()
    absent = book(client, world["tokens"]["absent"], classes["sessions"][0]["id"]).get_json()
    with dbs["booking"].transaction() as s:
        s.execute(update(Booking).where(Booking.id == served["id"]).values(
            session_starts_at=utcnow() - timedelta(days=100)))
        s.execute(update(Booking).where(Booking.id == absent["id"]).values(
            status="no_show", session_starts_at=utcnow() - timedelta(days=30)))
    pump()
    made = {w: apply(client, world["tokens"][w], world["session"]).get_json() for w in workers}
    expected = {"need": (2, 2, 1, 1), "served": (1, 1, 1, 1), "rider": (1, 2, 1.5, 1), "absent": (1, 2, 1, 0.5),
                "plain": (1, 2, 1, 1)}
    for w, (need, not_served, priority, no_shows) in expected.items():
        got = made[w]["ballot"]
        assert got["factors"] == {"open_need": need, "not_served_recently": not_served,
                                  "priority_category": priority, "no_shows": no_shows}, (w, got)
        assert got["weight"] == need * not_served * priority * no_shows and got["rank"] is None
        assert got["applicant"] == draw.applicant(world["session"], w)
    # The need is met elsewhere before the close: the factor follows (matching -> worker.open_needs -> booking).
    met = book(client, world["tokens"]["need"], other["sessions"][0]["id"])
    assert met.status_code == 201
    pump()
    assert factors(client, world, made["need"])["factors"]["open_need"] == 1
    close_window(dbs, world["session"])
    pump()
    doc = client.get(f"/booking/sessions/{world['session']}/draw").get_json()
    listed = {e["applicant"]: e for e in doc["order"]}
    assert listed[draw.applicant(world["session"], "rider")]["weight"] == 3.0
    assert listed[draw.applicant(world["session"], "need")]["factors"]["not_served_recently"] == 1  # now served
    assert doc["factors"]["period_days"] == 200 and doc["priority_worker_categories"] == ["delivery_rider"]
    assert factors(client, world, made["rider"])["rank"] == listed[draw.applicant(world["session"], "rider")]["rank"]


def test_booking_keeps_matchings_open_needs_and_forgets_them_at_erasure(client, admin, token, pump, dbs):
    make_profile(client, admin, "w9")
    make_need(client, admin, "w9", "想要免费体检")
    make_need(client, admin, "w9", "孩子放学没人管", category="childcare")
    pump()
    with dbs["booking"].transaction() as s:
        assert s.get(OpenNeeds, "w9").categories == ",childcare,health_checkup,"
    assert client.open("DELETE", "/matching/workers/w9", token=admin).status_code == 204
    pump()
    with dbs["booking"].transaction() as s:
        assert s.get(OpenNeeds, "w9") is None


def test_quotas_come_first_and_a_quota_place_passes_to_the_quota(client, admin, token, pump, dbs):
    gusu_workers = ("g1", "g2", "g3")
    workers = tuple(f"s{i}" for i in range(6)) + gusu_workers
    world = build_ballot(client, admin, token, pump, workers=workers, capacity=2,
                         alloc={"quotas": [{"districts": ["gusu"], "share": 0.5}]})
    for w in gusu_workers:
        make_profile(client, admin, w, district="gusu")
    pump()
    made = {w: apply(client, world["tokens"][w], world["session"]).get_json() for w in workers}
    close_window(dbs, world["session"])
    pump()
    doc = client.get(f"/booking/sessions/{world['session']}/draw").get_json()
    assert doc["quotas"] == [{"worker_categories": [], "districts": ["gusu"], "share": 0.5, "places": 1}]
    assert draw.verify(doc) == []
    ballot = {w: factors(client, world, made[w]) for w in workers}
    gusu = sorted(gusu_workers, key=lambda w: ballot[w]["rank"])
    assert ballot[gusu[0]]["result"] == "offered" and ballot[gusu[0]]["quota"] == 0  # whatever its rank
    rest = min((w for w in workers if w != gusu[0]), key=lambda w: ballot[w]["rank"])
    assert ballot[rest]["result"] == "offered" and ballot[rest]["quota"] is None  # the best ranked of the rest
    # Three apply for at most two places: one from gusu at least waits. The quota winner does not accept
    # in time: its place goes to the best-ranked gusu applicant waiting, ahead of anyone from elsewhere.
    waiting_gusu = min((w for w in gusu_workers if ballot[w]["result"] == "waitlisted"),
                       key=lambda w: ballot[w]["rank"])
    lapse_offers(dbs, booking_id=made[gusu[0]]["id"])
    pump()
    now = {w: factors(client, world, made[w]) for w in workers}
    status = {w: client.get(f"/booking/bookings/{made[w]['id']}", token=world["staff"]).get_json()["status"]
              for w in workers}
    assert status[gusu[0]] == "expired"
    assert status[waiting_gusu] == "offered" and now[waiting_gusu]["quota"] == 0
    assert sorted(w for w in workers if status[w] == "offered") == sorted({rest, waiting_gusu})
    with dbs["booking"].transaction() as s:
        sess = s.scalars(select(BookableSession)).one()
        assert (sess.offered, sess.confirmed, sess.waitlisted) == (2, 0, len(workers) - 3)
