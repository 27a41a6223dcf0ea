"""Bookings in a need's life: a place taken fulfils (outcome booked), a place given up reopens; history too."""
from tests.booking.world import book, build
from tests.factories import iso, make_need, make_offer
from tests.matching.loop_world import due, events_of, history, ok


def _need(client, admin, worker="w1", text="想要免费体检"):
    return make_need(client, admin, worker, text, category="health_checkup")


def test_a_booking_fulfils_an_assigned_need_and_cancelling_reopens_it_to_its_owner(client, admin, token, pump, dbs):
    world = build(client, admin, token, pump)
    sip = world["tree"]["sip"]["id"]
    need = _need(client, admin)
    ok(client.post(f"/matching/needs/{need['id']}/assign", {"union_id": sip, "due_date": due(), "assignee": "s-1"},
                   token=admin))
    booking = ok(book(client, world["tokens"]["w1"], world["session"]), 201)
    pump()
    got = ok(client.get(f"/matching/needs/{need['id']}", token=world["tokens"]["w1"]))
    assert (got["status"], got["outcome"], got["feedback_due"], got["assigned_union_id"]) == (
        "fulfilled", "booked", True, sip)
    last = history(client, admin, need["id"])[-1]
    assert (last["action"], last["from"], last["to"], last["by"]) == ("booked", "assigned", "fulfilled", None)
    assert last["details"] == {"offer_id": world["offer"]["id"], "booking_id": booking["id"]}
    assert events_of(dbs, "need.resolved") == [{"need_id": need["id"], "worker_id": "w1", "union_id": sip,
                                                "outcome": "booked", "category": "health_checkup"}]

    ok(client.post(f"/booking/bookings/{booking['id']}/cancel", token=world["tokens"]["w1"]))
    pump()
    got = ok(client.get(f"/matching/needs/{need['id']}", token=admin))
    assert (got["status"], got["outcome"], got["assigned_union_id"]) == ("open", None, sip)
    assert [h["action"] for h in history(client, admin, need["id"])] == [
        "create", "assign", "booked", "booking_cancelled"]
    assert events_of(dbs, "need.reopened") == [{"need_id": need["id"], "worker_id": "w1", "union_id": sip,
                                                "assignee": "s-1", "reason": "booking_cancelled"}]


def test_needs_staff_closed_or_the_worker_withdrew_stay_as_they_are(client, admin, token, pump):
    world = build(client, admin, token, pump)
    sip = world["tree"]["sip"]["id"]
    resolved, withdrawn = _need(client, admin), _need(client, admin, text="体检")
    ok(client.post(f"/matching/needs/{resolved['id']}/assign", {"union_id": sip, "due_date": due()}, token=admin))
    ok(client.post(f"/matching/needs/{resolved['id']}/resolve", {"outcome": "got_help"}, token=admin))
    ok(client.post(f"/matching/needs/{withdrawn['id']}/withdraw", token=world["tokens"]["w1"]))
    booking = ok(book(client, world["tokens"]["w1"], world["session"]), 201)
    pump()
    ok(client.post(f"/booking/bookings/{booking['id']}/cancel", token=world["tokens"]["w1"]))
    pump()
    for need, status in ((resolved, "resolved"), (withdrawn, "withdrawn")):
        assert ok(client.get(f"/matching/needs/{need['id']}", token=admin))["status"] == status
        assert "booked" not in [h["action"] for h in history(client, admin, need["id"])]


def test_not_satisfied_with_a_booking_reopens_and_only_a_new_place_fulfils_again(client, admin, token, pump):
    world = build(client, admin, token, pump)
    need = _need(client, admin)
    booking = ok(book(client, world["tokens"]["w1"], world["session"]), 201)
    pump()
    ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": False, "comment": "体检项目太少"},
                   token=world["tokens"]["w1"]))
    staff = token("staff", "s-sip", union=world["tree"]["sip"]["id"])
    ok(client.post(f"/booking/bookings/{booking['id']}/check-in", token=staff))  # the same place: no change
    pump()
    assert ok(client.get(f"/matching/needs/{need['id']}", token=admin))["status"] == "open"
    other = make_offer(client, admin, world["tree"]["sip"]["id"], title="另一场体检",
                       sessions=[{"starts_at": iso(5), "ends_at": iso(5, 2), "capacity": 5}])
    pump()
    ok(book(client, world["tokens"]["w1"], other["sessions"][0]["id"]), 201)
    pump()
    got = ok(client.get(f"/matching/needs/{need['id']}", token=admin))
    assert (got["status"], got["feedback_due"], got["satisfaction"]) == ("fulfilled", True, "not_satisfied")
    assert [(h["action"], h["to"]) for h in history(client, admin, need["id"])] == [
        ("create", "open"), ("booked", "fulfilled"), ("feedback", "open"), ("booked", "fulfilled")]


def test_a_need_stated_while_a_booking_meets_it_starts_fulfilled_with_its_history(client, admin, token, pump):
    world = build(client, admin, token, pump)
    ok(book(client, world["tokens"]["w1"], world["session"]), 201)
    pump()
    need = _need(client, world["tokens"]["w1"])
    assert need["status"] == "fulfilled" and need["outcome"] == "booked"
    assert [(h["action"], h["from"], h["to"]) for h in history(client, world["tokens"]["w1"], need["id"])] == [
        ("create", None, "open"), ("booked", "open", "fulfilled")]
