"""The problem list: groups of unresolved needs in reach, items a union takes on, assigning many needs."""
import pytest

from tests.helpers import assert_problem
from tests.factories import make_profile
from tests.matching.loop_world import build, due, events_of, history, need_of, ok


@pytest.fixture
def w(client, admin, token, pump):
    world = build(client, admin, token, pump)
    make_profile(client, admin, "w-3", district="sip", worker_category="courier")
    return world


def _problems(client, tok, query=""):
    return ok(client.get(f"/matching/problems{query}", token=tok))


def test_groups_largest_then_oldest_counted_over_the_needs_in_reach(client, admin, w):
    need_of(client, admin, "房租太贵", category="housing")  # w-1: sip ride-hailing
    need_of(client, admin, "工资低")
    need_of(client, admin, "工资被拖欠", worker_id="w-3")  # sip courier
    need_of(client, admin, "加班没有加班费", worker_id="w-3")
    need_of(client, admin, "工资低", worker_id="w-2")  # gusu
    need_of(client, admin, "体检", worker_id="w-nobody", category="health_checkup")  # no profile
    city = _problems(client, w.staff["city"])
    assert [(i["id"], i["needs"]) for i in city["items"]] == [
        ("wages_benefits.sip.courier", 2), ("housing.sip.ride_hailing_driver", 1),
        ("wages_benefits.sip.ride_hailing_driver", 1), ("wages_benefits.gusu.ride_hailing_driver", 1),
        ("health_checkup.none.none", 1)]
    first = city["items"][0]
    assert (first["open"], first["assigned"], first["workers"], first["union_id"], first["overdue"]) == (
        2, 0, 1, None, False)
    assert first["oldest_at"].endswith("+08:00")
    sip = _problems(client, w.staff["sip"])
    assert sip["total"] == 3 and {i["district"] for i in sip["items"]} == {"sip"}
    assert _problems(client, w.staff["gusu"], "?per_page=1")["items"][0]["id"] == "wages_benefits.gusu.ride_hailing_driver"
    assert _problems(client, w.staff["city"], "?category=housing")["total"] == 1
    assert _problems(client, w.staff["city"], "?page=2&per_page=2")["items"][0]["needs"] == 1
    assert_problem(client.get("/matching/problems", token=w.w1), 403)
    assert_problem(client.get("/matching/problems?district=mars", token=admin), 422)


def test_a_union_takes_an_item_on_with_its_open_needs(client, admin, w, dbs):
    a = need_of(client, admin, "工资被拖欠", worker_id="w-3")
    b = need_of(client, admin, "工资低", worker_id="w-3")
    item = "wages_benefits.sip.courier"
    got = ok(client.post(f"/matching/problems/{item}/assign",
                         {"union_id": w.u["sip"], "assignee": "s-sip", "due_date": due(), "note": "集中处理"},
                         token=w.staff["sip"]))
    assert (got["union_id"], got["assignee"], got["due_date"], got["needs_assigned"], got["assigned"]) == (
        w.u["sip"], "s-sip", due(), 2, 2)
    for need in (a, b):
        n = ok(client.get(f"/matching/needs/{need['id']}", token=admin))
        assert (n["status"], n["assigned_union_id"], n["due_date"]) == ("assigned", w.u["sip"], due())
        assert history(client, admin, need["id"])[-1]["note"] == "集中处理"
    assert len(events_of(dbs, "need.assigned")) == 2
    taken = ok(client.get(f"/matching/problems/{item}/history", token=w.staff["city"]))["items"]
    assert [(h["action"], h["by"], h["union_id"]) for h in taken] == [("take", "s-sip", w.u["sip"])]
    assert _problems(client, w.staff["city"], "?taken=true")["items"][0]["id"] == item
    assert _problems(client, w.staff["city"], f"?union_id={w.u['sip']}")["total"] == 1
    assert _problems(client, w.staff["city"], "?taken=false")["total"] == 0
    # The city passes it on to the enterprise union; the enterprise may not take it back from the city.
    ok(client.post(f"/matching/problems/{item}/assign", {"union_id": w.u["ent"], "due_date": due(3),
                                                        "assign_needs": False}, token=w.staff["city"]))
    ok(client.post(f"/matching/problems/{item}/assign", {"union_id": w.u["ent"], "due_date": due(4)},
                   token=w.staff["ent"]))
    ok(client.post(f"/matching/problems/{item}/assign", {"union_id": w.u["city"], "due_date": due(4)},
                   token=w.staff["city"]))
    assert_problem(client.post(f"/matching/problems/{item}/assign", {"union_id": w.u["ent"], "due_date": due(4)},
                               token=w.staff["ent"]), 403)


def test_taking_items_checks_who_and_what(client, admin, w):
    need_of(client, admin, "工资低", worker_id="w-2")  # gusu
    gusu_item = "wages_benefits.gusu.ride_hailing_driver"
    body = {"union_id": w.u["gusu"], "due_date": due()}
    for item in ("wages_benefits.sip.courier", "astrology.sip.courier", "wages_benefits.mars.courier",
                 "wages_benefits.none.courier", "nonsense"):
        assert_problem(client.post(f"/matching/problems/{item}/assign", body, token=admin), 404)
    assert_problem(client.post(f"/matching/problems/{gusu_item}/assign", body, token=w.staff["sip"]), 404)
    assert_problem(client.get(f"/matching/problems/{gusu_item}", token=w.staff["sip"]), 404)
    assert_problem(client.post(f"/matching/problems/{gusu_item}/assign", body, token=w.w2), 403)
    got = assert_problem(client.post(f"/matching/problems/{gusu_item}/assign", {**body, "union_id": w.u["sip"]},
                                     token=w.staff["gusu"]), 422)
    assert "union_id" in got["errors"]
    ok(client.post(f"/matching/problems/{gusu_item}/assign", body, token=w.staff["gusu"]))


def test_bulk_assign_by_ids_and_by_filters(client, admin, w):
    mine = [need_of(client, admin, t) for t in ("工资低", "加班多")]
    theirs = need_of(client, admin, "工资低", worker_id="w-2")
    got = ok(client.post("/matching/needs/assign", {"ids": [mine[0]["id"], theirs["id"], "need_nothing"],
                                                    "union_id": w.u["sip"], "due_date": due()}, token=w.staff["sip"]))
    assert got == {"assigned": 1, "skipped": [theirs["id"], "need_nothing"], "remaining": 0}
    need_of(client, admin, "宿舍太差", category="housing", worker_id="w-3")
    got = ok(client.post("/matching/needs/assign", {"filters": {"category": "wages_benefits"},
                                                    "union_id": w.u["sip"], "due_date": due()}, token=w.staff["sip"]))
    assert got == {"assigned": 1, "skipped": [], "remaining": 0}  # mine[1]; not w-2's (gusu), not housing
    assert ok(client.get(f"/matching/needs?assigned_union_id={w.u['sip']}", token=admin))["total"] == 2
    got = ok(client.post("/matching/needs/assign", {"filters": {"status": "assigned", "worker_category": "ride_hailing_driver"},
                                                    "union_id": w.u["ent"], "due_date": due()}, token=w.staff["sip"]))
    assert got["assigned"] == 2  # passed on to the enterprise union
    for body, field in (({"union_id": w.u["sip"], "due_date": due()}, "ids"),
                        ({"ids": [], "union_id": w.u["sip"], "due_date": due()}, "ids"),
                        ({"ids": ["a"], "filters": {}, "union_id": w.u["sip"], "due_date": due()}, "ids"),
                        ({"filters": {"status": "resolved"}, "union_id": w.u["sip"], "due_date": due()}, "filters.status"),
                        ({"ids": ["a"], "union_id": w.u["gusu"], "due_date": due()}, "union_id")):
        assert field in assert_problem(client.post("/matching/needs/assign", body, token=w.staff["sip"]), 422)["errors"]
    assert_problem(client.post("/matching/needs/assign", {"ids": ["a"], "union_id": w.u["sip"], "due_date": due()},
                               token=w.w1), 403)
