from tests.helpers import assert_problem
from tests.matching import population


def recs(client, token, worker):
    resp = client.get(f"/matching/workers/{worker}/recommendations", token=token)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["items"]


def test_eligible_offers_for_open_needs_best_first(client, admin, token, pump):
    pop = population.build(client, admin, pump)
    items = recs(client, token("worker", "w1"), "w1")
    assert [i["offer_id"] for i in items] == [pop["A"]["id"], pop["B"]["id"]]
    a, b = items
    assert a["need_ids"] == [pop["w1_health"]["id"]] and b["need_ids"] == [pop["w1_housing"]["id"]]
    assert 0 < b["score"] < a["score"] <= 1
    assert any("体检" in r for r in a["reasons"]) and any("苏州工业园区" in r for r in a["reasons"])
    assert a["next_session_at"].endswith("+08:00")


def test_nothing_for_the_ineligible_or_for_closed_offers(client, admin, token, pump):
    population.build(client, admin, pump)
    assert recs(client, admin, "w2") == []   # too old for A
    assert recs(client, admin, "w4") == []   # not new employment
    assert recs(client, admin, "w5") == []   # the rest trip is closed
    assert_problem(client.get("/matching/workers/w7/recommendations", token=admin), 404)  # no profile: as its profile
    assert_problem(client.get("/matching/workers/nobody/recommendations", token=admin), 404)
    assert [i["title"] for i in recs(client, admin, "w3")] == ["网约车司机免费体检"]


def test_a_worker_never_reads_another_workers_recommendations(client, admin, token, pump):
    pop = population.build(client, admin, pump)
    assert_problem(client.get("/matching/workers/w1/recommendations", token=token("worker", "w2")), 404)
    assert_problem(client.get("/matching/workers/w1/recommendations"), 401)
    assert recs(client, token("staff", union=pop["tree"]["sip"]["id"]), "w1")  # w1 lives in sip
    assert_problem(client.get("/matching/workers/w1/recommendations", token=token("staff", union="u-any")), 404)
    assert_problem(client.get("/matching/workers/w1/recommendations?limit=0", token=admin), 422)


def test_recommendations_follow_catalog_changes(client, admin, pump):
    pop = population.build(client, admin, pump)
    client.post(f"/catalog/offers/{pop['A']['id']}/close", token=admin)
    pump()
    assert [i["offer_id"] for i in recs(client, admin, "w1")] == [pop["B"]["id"]]
