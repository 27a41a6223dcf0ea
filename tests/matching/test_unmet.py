from tests.helpers import assert_problem
from tests.matching import population


def groups(client, admin, query=""):
    resp = client.get(f"/matching/unmet-needs{query}", token=admin)
    assert resp.status_code == 200, resp.get_json()
    return {(g["category"], g["district"]): g for g in resp.get_json()["items"]}


def test_unmet_groups_counts_and_reasons(client, admin, pump):
    population.build(client, admin, pump)
    got = groups(client, admin)
    summary = {k: (g["open_needs"], g["workers"], g["reason"]) for k, g in got.items()}
    assert summary == {
        ("health_checkup", "sip"): (2, 2, "not_eligible"),      # w2 too old, w4 not new employment
        ("health_checkup", None): (1, 1, "no_profile"),         # w7
        ("rest_recuperation", "sip"): (1, 1, "no_offer"),       # w5: the rest trip is closed
        ("housing", "gusu"): (1, 1, "not_eligible"),            # w8 outside B's district
        ("housing", "sip"): (1, 1, "not_eligible"),             # w9 not a member
        ("mental_health", "sip"): (1, 1, "no_offer"),           # w1
    }
    assert sorted(got[("health_checkup", "sip")]["sample_texts"]) == ["想体检", "想做个身体检查"]
    assert all(g["reason_text"] for g in got.values())


def test_largest_first_and_filters(client, admin, pump):
    population.build(client, admin, pump)
    items = client.get("/matching/unmet-needs", token=admin).get_json()["items"]
    assert items[0]["category"] == "health_checkup" and items[0]["district"] == "sip"
    assert [i["open_needs"] for i in items] == sorted((i["open_needs"] for i in items), reverse=True)
    assert set(groups(client, admin, "?category=housing")) == {("housing", "gusu"), ("housing", "sip")}
    assert set(groups(client, admin, "?district=gusu")) == {("housing", "gusu")}


def test_who_sees_unmet_needs(client, token):
    assert_problem(client.get("/matching/unmet-needs"), 401)
    assert_problem(client.get("/matching/unmet-needs", token=token("worker")), 403)
    assert client.get("/matching/unmet-needs", token=token("staff", union="u-x")).status_code == 200
    assert_problem(client.get("/matching/unmet-needs?district=moon", token=token("staff", union="u-x")), 422)
