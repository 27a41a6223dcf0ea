import pytest

from tests.helpers import assert_problem
from tests.matching import population

EXPECTED_A = {"matched_workers": 3, "by_district": {"sip": 2, "gusu": 1},
              "by_worker_category": {"ride_hailing_driver": 1, "courier": 1, "truck_driver": 1},
              "capacity": 10, "confirmed": 0, "waitlisted": 0, "unmet": 3}


@pytest.mark.parametrize("needs_first", [False, True], ids=["offer-first", "needs-first"])
def test_demand_for_one_offer_is_exact_whatever_came_first(client, admin, pump, needs_first):
    pop = population.build(client, admin, pump, needs_first=needs_first)
    got = client.get(f"/matching/offers/{pop['A']['id']}/demand", token=admin).get_json()
    assert got["offer_id"] == pop["A"]["id"]
    assert {k: got[k] for k in EXPECTED_A} == EXPECTED_A
    b = client.get(f"/matching/offers/{pop['B']['id']}/demand", token=admin).get_json()
    assert b["matched_workers"] == 1 and b["by_district"] == {"sip": 1} and b["capacity"] == 50


def test_a_profile_change_moves_demand(client, admin, pump):
    pop = population.build(client, admin, pump)
    from tests.factories import make_profile

    make_profile(client, admin, "w4", worker_category="delivery_rider")  # now new employment
    assert client.get(f"/matching/offers/{pop['A']['id']}/demand", token=admin).get_json()["matched_workers"] == 4


def test_who_sees_demand(client, admin, token, pump):
    pop = population.build(client, admin, pump)
    path = f"/matching/offers/{pop['A']['id']}/demand"
    tree = pop["tree"]
    assert client.get(path, token=token("staff", union=tree["sip"]["id"])).status_code == 200
    assert client.get(path, token=token("staff", union=tree["city"]["id"])).status_code == 200
    assert_problem(client.get(path, token=token("staff", union=tree["gusu"]["id"])), 403)
    assert_problem(client.get(path, token=token("staff", union=tree["ent"]["id"])), 403)  # below, not above
    assert_problem(client.get(path, token=token("worker", "w1")), 403)
    assert_problem(client.get(path), 401)
    assert_problem(client.get("/matching/offers/nope/demand", token=admin), 404)


def test_demand_table_is_scoped_and_sorted(client, admin, token, pump):
    pop = population.build(client, admin, pump)
    rows = client.get("/matching/demand", token=admin).get_json()
    assert [r["offer_id"] for r in rows["items"]] == [pop["A"]["id"], pop["B"]["id"]]
    assert rows["total"] == 2 and rows["items"][0]["unmet"] == 3
    sip_staff = client.get("/matching/demand", token=token("staff", union=pop["tree"]["sip"]["id"])).get_json()
    assert [r["offer_id"] for r in sip_staff["items"]] == [pop["A"]["id"]]
    assert client.get("/matching/demand?kind=talent_apartment", token=admin).get_json()["total"] == 1
    assert client.get(f"/matching/demand?union_id={pop['tree']['sip']['id']}", token=admin).get_json()["total"] == 1
    closed = client.get("/matching/demand?status=closed", token=admin).get_json()
    assert [r["offer_id"] for r in closed["items"]] == [pop["rest"]["id"]]
    assert_problem(client.get("/matching/demand", token=token("worker")), 403)
    assert_problem(client.get("/matching/demand?kind=spa", token=admin), 422)
    assert client.get("/matching/demand?per_page=1&page=2", token=admin).get_json()["items"][0]["offer_id"] == \
        pop["B"]["id"]
