"""A ballot end to end: apply in the window, the draw at the close, accept, pass on, verify."""
from collections import Counter

from shared import draw
from tests.booking.ballot_world import apply, build_ballot, close_window, lapse_offers
from tests.helpers import assert_problem
from tests.factories import make_need

WORKERS = tuple(f"w{i}" for i in range(1, 9))


def test_apply_draw_accept_and_pass_on(client, admin, token, pump, dbs):
    world = build_ballot(client, admin, token, pump, workers=WORKERS, capacity=3)
    offer = client.get(f"/catalog/offers/{world['offer']['id']}").get_json()
    assert offer["allocation"]["mode"] == "ballot" and len(offer["allocation"]["seed_sha256"]) == 64
    make_need(client, admin, "w1", "想要免费体检")
    pump()
    sid = world["session"]
    made = {}
    for w in WORKERS:
        resp = apply(client, world["tokens"][w], sid)
        assert resp.status_code == 201, resp.get_json()
        made[w] = resp.get_json()
        assert made[w]["status"] == "applied" and made[w]["waitlist_position"] is None
    assert made["w1"]["ballot"]["factors"]["open_need"] == 2.0
    assert made["w1"]["ballot"]["weight"] == 4.0  # open need x2, not served recently x2
    assert made["w2"]["ballot"]["weight"] == 2.0 and made["w2"]["ballot"]["rank"] is None
    avail = client.get(f"/booking/sessions/{sid}").get_json()
    assert (avail["applied"], avail["confirmed"], avail["remaining"], avail["allocation"]) == (8, 0, 3, "ballot")
    assert_problem(client.get(f"/booking/sessions/{sid}/draw"), 404, "not-found")

    close_window(dbs, sid)
    pump()  # the booking worker draws at the close
    doc = client.get(f"/booking/sessions/{sid}/draw").get_json()
    assert doc["seed_sha256"] == offer["allocation"]["seed_sha256"] == draw.seed_sha256(doc["seed"])
    assert doc["applicants"] == 8 and doc["offered"] == 3 and [e["rank"] for e in doc["order"]] == list(range(1, 9))
    assert draw.verify(doc) == []
    mine = {w: client.get(f"/booking/bookings/{made[w]['id']}", token=world["tokens"][w]).get_json() for w in WORKERS}
    assert Counter(b["status"] for b in mine.values()) == {"offered": 3, "waitlisted": 5}
    by_rank = sorted(WORKERS, key=lambda w: mine[w]["ballot"]["rank"])
    assert [mine[w]["status"] for w in by_rank] == ["offered"] * 3 + ["waitlisted"] * 5
    assert [mine[w]["waitlist_position"] for w in by_rank[3:]] == [1, 2, 3, 4, 5]
    first, second, third = by_rank[:3]
    assert mine[first]["ballot"]["accept_by"] is not None

    accepted = client.post(f"/booking/bookings/{made[first]['id']}/accept", token=world["tokens"][first])
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "confirmed"
    assert_problem(client.post(f"/booking/bookings/{made[first]['id']}/accept", token=world["tokens"][first]),
                   409, "invalid-state")
    declined = client.post(f"/booking/bookings/{made[second]['id']}/cancel", token=world["tokens"][second])
    assert declined.status_code == 200
    fourth = by_rank[3]
    assert client.get(f"/booking/bookings/{made[fourth]['id']}", token=world["tokens"][fourth]).get_json()[
        "status"] == "offered"
    lapse_offers(dbs, sid)
    pump()  # third and fourth did not accept in time: passed on to fifth and sixth
    now = {w: client.get(f"/booking/bookings/{made[w]['id']}", token=world["tokens"][w]).get_json()["status"]
           for w in WORKERS}
    assert now[third] == now[fourth] == "expired"
    assert [now[w] for w in by_rank[4:]] == ["offered", "offered", "waitlisted", "waitlisted"]
    avail = client.get(f"/booking/sessions/{sid}").get_json()
    assert (avail["confirmed"], avail["offered"], avail["waitlisted"], avail["applied"]) == (1, 2, 2, 0)
    demand = client.get(f"/matching/offers/{world['offer']['id']}/demand", token=admin).get_json()
    assert (demand["confirmed"], demand["offered"], demand["waitlisted"]) == (1, 2, 2)
