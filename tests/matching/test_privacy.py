"""Personal data stays within reach (API.md, "Who may do what"): profiles, needs, recommendations
and unmet needs, for staff of unions at every level."""
import pytest

from tests.helpers import assert_problem
from tests.factories import make_need, make_profile, profile_body


@pytest.fixture
def city(client, admin, token, pump, unions):
    """city(gusu) -> sip(sip) -> ent(sip); city -> gusu(gusu). Workers:
    m-ent: member of ent, lives in gusu; m-gusu: member of gusu's federation, lives in sip;
    n-sip, n-gusu: no union; x: no profile, one need."""
    tree = unions
    pump()  # the unions reach matching
    ids = {k: v["id"] for k, v in tree.items()}
    make_profile(client, admin, "m-ent", union_id=ids["ent"], district="gusu", employer="某企业")
    make_profile(client, admin, "m-gusu", union_id=ids["gusu"], district="sip")
    make_profile(client, admin, "n-sip", district="sip")
    make_profile(client, admin, "n-gusu", district="gusu")
    for w in ("m-ent", "m-gusu", "n-sip", "n-gusu", "x"):
        make_need(client, admin, w, f"{w} 想要免费体检", category="health_checkup")
        make_need(client, admin, w, f"{w} 压力大睡不着", category="mental_health")
    pump()
    return {"ids": ids, "staff": {k: token("staff", union=v) for k, v in ids.items()}}


REACHED = {  # API.md: union members by their union's tree; others by their district
    "city": {"m-ent", "m-gusu", "n-sip", "n-gusu", "x"},
    "sip": {"m-ent", "n-sip"},
    "ent": {"m-ent", "n-sip"},
    "gusu": {"m-gusu", "n-gusu"},
}


def test_staff_read_profiles_only_of_workers_they_reach(client, city):
    for union, reached in REACHED.items():
        for worker in ("m-ent", "m-gusu", "n-sip", "n-gusu"):
            resp = client.get(f"/matching/workers/{worker}", token=city["staff"][union])
            if worker in reached:
                assert resp.status_code == 200 and resp.get_json()["worker_id"] == worker, (union, worker)
            else:
                assert_problem(resp, 404, "not-found")
    got = client.get("/matching/workers/m-ent", token=city["staff"]["ent"]).get_json()
    assert got["union_id"] == city["ids"]["ent"] and got["employer"] == "某企业"


def test_staff_change_only_profiles_in_reach_but_create_any(client, city, admin):
    gusu = city["staff"]["gusu"]
    assert_problem(client.put("/matching/workers/m-ent", profile_body(district="gusu"), token=gusu), 404)
    assert client.get("/matching/workers/m-ent", token=admin).get_json()["union_id"] == city["ids"]["ent"]
    assert client.put("/matching/workers/new-1", profile_body(district="kunshan"), token=gusu).status_code == 201
    assert_problem(client.put("/matching/workers/new-1", profile_body(), token=gusu), 404)  # kunshan: not gusu's
    assert client.put("/matching/workers/n-gusu", profile_body(district="gusu"), token=gusu).status_code == 200


def test_union_id_must_name_a_known_union(client, city, admin):
    body = assert_problem(client.put("/matching/workers/w-9", profile_body(union_id="u-nowhere"), token=admin), 422)
    assert "union_id" in body["errors"]
    assert_problem(client.get("/matching/workers/w-9", token=admin), 404)


def test_needs_lists_hold_only_workers_in_reach(client, city, admin):
    for union, reached in REACHED.items():
        page = client.get("/matching/needs?per_page=100", token=city["staff"][union]).get_json()
        assert {n["worker_id"] for n in page["items"]} == reached, union
        assert page["total"] == 2 * len(reached)
    sip = city["staff"]["sip"]
    assert_problem(client.get("/matching/needs?worker_id=m-gusu", token=sip), 404, "not-found")
    assert client.get("/matching/needs?worker_id=n-sip", token=sip).get_json()["total"] == 2
    assert client.get("/matching/needs?district=gusu", token=sip).get_json()["total"] == 2  # m-ent lives in gusu
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 10


def test_staff_record_a_need_for_any_worker(client, city):
    need = make_need(client, city["staff"]["gusu"], "m-ent", "想学电工", interview_point="姑苏区工人文化宫")
    assert need["worker_id"] == "m-ent"
    assert need["id"] not in {n["id"] for n in client.get("/matching/needs?per_page=100",
                                                          token=city["staff"]["gusu"]).get_json()["items"]}


def test_recommendations_only_in_reach(client, city):
    assert client.get("/matching/workers/n-gusu/recommendations", token=city["staff"]["gusu"]).status_code == 200
    assert_problem(client.get("/matching/workers/m-ent/recommendations", token=city["staff"]["gusu"]), 404)
    assert_problem(client.get("/matching/workers/n-gusu/recommendations", token=city["staff"]["ent"]), 404)


def test_unmet_needs_count_and_quote_only_workers_in_reach(client, city, admin):
    def groups(tok):
        items = client.get("/matching/unmet-needs?per_page=100", token=tok).get_json()["items"]
        return {(g["category"], g["district"]): g for g in items}

    everyone = groups(admin)
    assert sum(g["workers"] for g in everyone.values()) == 10  # 5 workers x 2 categories (x: no profile)
    assert groups(city["staff"]["city"]) == everyone
    gusu = groups(city["staff"]["gusu"])
    assert {k: g["workers"] for k, g in gusu.items()} == {("mental_health", "sip"): 1, ("mental_health", "gusu"): 1,
                                                           ("health_checkup", "sip"): 1, ("health_checkup", "gusu"): 1}
    texts = [t for g in gusu.values() for t in g["sample_texts"]]
    assert texts and all(t.split()[0] in REACHED["gusu"] for t in texts)
    ent = groups(city["staff"]["ent"])
    assert {t.split()[0] for g in ent.values() for t in g["sample_texts"]} == REACHED["ent"]
    assert sum(g["open_needs"] for g in ent.values()) == 4


def test_an_enterprise_union_does_not_read_the_whole_city(client, admin, token, pump, unions):
    """The defect as reported: u-boat's staff read any worker's profile, needs and unmet-need texts."""
    tree = unions
    boat = client.post("/catalog/unions", {"name": "船员工会", "district": "wujiang", "parent_id": tree["city"]["id"]},
                       token=admin).get_json()
    pump()
    make_profile(client, admin, "sip-1", district="sip", birth_date="1990-05-01", children_birth_years=[2018])
    make_need(client, admin, "sip-1", "孩子放学没人接", category="childcare")
    boat_staff = token("staff", union=boat["id"])
    assert_problem(client.get("/matching/workers/sip-1", token=boat_staff), 404, "not-found")
    assert client.get("/matching/needs", token=boat_staff).get_json()["total"] == 0
    assert client.get("/matching/unmet-needs", token=boat_staff).get_json()["items"] == []
    assert_problem(client.get("/matching/workers/sip-1/recommendations", token=boat_staff), 404)
