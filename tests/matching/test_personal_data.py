"""A worker's rights over its data: export, erasure (every copy, counts kept), and the audit log."""
import json

from sqlalchemy import select, text

from services.booking.models import Booking as BookingRow
from services.booking.models import Profile as BookingProfile
from services.matching.models import Need
from shared.events import Envelope, stream_name
from tests.booking.world import book, build
from tests.helpers import assert_problem
from tests.factories import make_need, make_profile


def _world(client, admin, token, pump):
    world = build(client, admin, token, pump, capacity=1)
    need = make_need(client, admin, "w1", "想要免费体检，开车腰不好", interview_point="星湖街职工服务站")
    make_need(client, admin, "w1", "压力大睡不着", category="mental_health")
    make_need(client, admin, "w2", "想体检")
    booking = book(client, world["tokens"]["w1"], world["session"]).get_json()
    book(client, world["tokens"]["w2"], world["session"])  # waitlisted behind w1
    pump()
    return world, need, booking


def test_a_worker_downloads_everything_held_about_it(client, admin, token, pump):
    world, need, booking = _world(client, admin, token, pump)
    client.get("/matching/workers/w1", token=world["staff"])  # a read the worker is told about
    resp = client.get("/matching/workers/w1/export", token=world["tokens"]["w1"])
    assert resp.status_code == 200
    got = resp.get_json()
    assert got["worker_id"] == "w1" and got["profile"]["district"] == "sip" and got["profile"]["birth_date"]
    assert [n["text"] for n in got["needs"]] == ["想要免费体检，开车腰不好", "压力大睡不着"]
    assert got["needs"][0]["status"] == "fulfilled" and got["needs"][0]["interview_point"] == "星湖街职工服务站"
    assert got["bookings"] == [{"booking_id": booking["id"], "offer_id": world["offer"]["id"],
                                "session_id": world["session"], "status": "confirmed"}]
    assert got["recommendations"] == []  # its open need (mental health) has no offer
    assert [(r["actor_role"], r["action"]) for r in got["reads"]] == [("staff", "profile.read")]
    assert client.get("/matching/workers/w1/export", token=admin).status_code == 200
    for other in (world["tokens"]["w2"], world["staff"]):
        assert_problem(client.get("/matching/workers/w1/export", token=other), 404, "not-found")
    assert_problem(client.get("/matching/workers/nobody/export", token=admin), 404)


def _outbox_payloads(dbs, service):
    with dbs[service].transaction() as s:
        return [(t, json.loads(p)) for t, p in s.execute(text(f"SELECT type, payload FROM {service}_outbox"))]


def test_erasure_removes_every_copy_and_keeps_the_counts(client, admin, token, pump, dbs, redis_client, configs):
    world, need, booking = _world(client, admin, token, pump)
    demand = f"/matching/offers/{world['offer']['id']}/demand"
    before = client.get(demand, token=admin).get_json()
    assert (before["confirmed"], before["waitlisted"]) == (1, 1)
    me = world["tokens"]["w1"]
    for other in (world["tokens"]["w2"], world["staff"]):
        assert_problem(client.open("DELETE", "/matching/workers/w1", token=other), 404, "not-found")
    resp = client.open("DELETE", "/matching/workers/w1", token=me)
    assert resp.status_code == 204 and resp.get_data() == b""
    pump()
    # matching: nothing left that says who, or what the worker said
    assert_problem(client.get("/matching/workers/w1", token=admin), 404)
    assert_problem(client.get("/matching/workers/w1/export", token=me), 404)
    assert client.get("/matching/needs?worker_id=w1", token=admin).get_json()["total"] == 0
    with dbs["matching"].transaction() as s:
        kept = s.scalars(select(Need).where(Need.id == need["id"])).one()
        assert kept.text == "" and kept.interview_point is None and kept.worker_id.startswith("erased-")
        assert kept.status == "fulfilled" and kept.erased_at is not None
        pseudonym = kept.worker_id
        assert s.execute(text("SELECT count(*) FROM matching_bookings WHERE worker_id = 'w1'")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM matching_audit WHERE worker_id = 'w1'")).scalar() == 0
    assert not [p for t, p in _outbox_payloads(dbs, "matching") if t == "profile.saved" and p["worker_id"] == "w1"]
    stream = stream_name(configs["matching"].stream_prefix, "matching")
    left = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    assert not [e for e in left if e.type == "profile.saved" and e.data["worker_id"] == "w1"]
    assert [e for e in left if e.type == "profile.saved" and e.data["worker_id"] == "w2"]  # others untouched
    # booking: profile gone, bookings anonymised with the same pseudonym, its outbox too
    with dbs["booking"].transaction() as s:
        assert s.get(BookingProfile, "w1") is None and s.get(BookingProfile, "w2") is not None
        assert s.get(BookingRow, booking["id"]).worker_id == pseudonym
    assert not [p for _, p in _outbox_payloads(dbs, "booking") if p.get("worker_id") == "w1"]
    assert client.get("/booking/bookings", token=me).get_json()["total"] == 0
    # the counts stay right: the place is still taken, the waiting list unchanged
    after = client.get(demand, token=admin).get_json()
    assert (after["confirmed"], after["waitlisted"], after["capacity"]) == (1, 1, before["capacity"])
    assert after["unmet"] >= 0
    assert all(g["sample_texts"] != [""] for g in client.get("/matching/unmet-needs", token=admin).get_json()["items"])
    # later booking events about the booking name the pseudonym, and the need follows them
    assert client.post(f"/booking/bookings/{booking['id']}/cancel", token=admin).status_code == 200
    pump()
    with dbs["matching"].transaction() as s:
        assert s.get(Need, need["id"]).status == "open"
        assert s.execute(text("SELECT count(*) FROM matching_bookings WHERE worker_id = 'w1'")).scalar() == 0
    assert_problem(client.open("DELETE", "/matching/workers/w1", token=admin), 404)


def test_admin_erases_a_worker_with_needs_only(client, admin, pump):
    make_need(client, admin, "x1", "想体检")
    assert client.open("DELETE", "/matching/workers/x1", token=admin).status_code == 204
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 0
    entries = client.get("/matching/audit", token=admin).get_json()["items"]
    assert [(e["action"], e["worker_id"][:7]) for e in entries] == [("erase", "erased-")]


def test_staff_and_admin_reads_are_audited_without_the_data(client, admin, token, pump):
    staff = token("staff", "staff-7", union="u-x")
    make_profile(client, admin, "w1", employer="某出行平台")
    make_need(client, admin, "w1", "想要免费体检")
    client.get("/matching/workers/w1", token=token("worker", "w1"))  # its own: not logged
    client.get("/matching/workers/w1", token=admin)
    client.get("/matching/needs", token=admin)
    client.get("/matching/workers/w1/recommendations", token=admin)
    client.get("/matching/workers/w1", token=staff)  # out of reach: 404, nothing read, nothing logged
    page = client.get("/matching/audit?worker_id=w1&per_page=2", token=admin).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert [e["action"] for e in page["items"]] == ["recommendations.read", "needs.list"]
    entry = page["items"][0]
    assert set(entry) == {"id", "at", "actor", "actor_role", "actor_union_id", "worker_id", "action"}
    assert entry["actor"] == "admin-1" and entry["actor_role"] == "admin" and entry["at"].endswith("+08:00")
    assert "某出行平台" not in json.dumps(page, ensure_ascii=False)
    assert client.get("/matching/audit?worker_id=w2", token=admin).get_json()["total"] == 0
    assert_problem(client.get("/matching/audit", token=staff), 403)
    assert_problem(client.get("/matching/audit", token=token("worker", "w1")), 403)
    assert_problem(client.get("/matching/audit?per_page=1000", token=admin), 422)
