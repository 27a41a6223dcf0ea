"""draft -> published -> closed, and what may change at each step."""
import pytest

from tests.helpers import assert_problem
from tests.factories import iso, make_offer, union_tree


@pytest.fixture
def tree(client, admin):
    return union_tree(client, admin)


@pytest.fixture
def staff(token, tree):
    return token("staff", union=tree["sip"]["id"])


def test_publish_needs_a_future_session(client, staff, tree):
    past = [{"starts_at": iso(-3), "ends_at": iso(-3, 2), "capacity": 5}]
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False, sessions=past)
    body = assert_problem(client.post(f"/catalog/offers/{offer['id']}/publish", token=staff), 409, "invalid-state")
    assert "future" in body["detail"]
    none = make_offer(client, staff, tree["sip"]["id"], publish=False, sessions=[])
    assert_problem(client.post(f"/catalog/offers/{none['id']}/publish", token=staff), 409, "invalid-state")


def test_publish_then_close(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"])
    assert offer["status"] == "published" and offer["published_at"]
    assert_problem(client.post(f"/catalog/offers/{offer['id']}/publish", token=staff), 409, "invalid-state")
    closed = client.post(f"/catalog/offers/{offer['id']}/close", token=staff)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert_problem(client.post(f"/catalog/offers/{offer['id']}/close", token=staff), 409, "invalid-state")
    assert_problem(client.post(f"/catalog/offers/{offer['id']}/publish", token=staff), 409, "invalid-state")
    seen = client.get(f"/catalog/offers/{offer['id']}")  # closed: still readable, for those who booked it
    assert seen.status_code == 200 and seen.get_json()["status"] == "closed"
    listed = client.get("/catalog/offers").get_json()["items"]
    assert offer["id"] not in [o["id"] for o in listed]  # but no longer listed for everyone


def test_a_draft_may_change_anything(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False)
    new_sessions = [{"starts_at": iso(10), "ends_at": iso(10, 2), "capacity": 3}]
    resp = client.patch(f"/catalog/offers/{offer['id']}", {
        "kind": "night_class", "title": "电工夜校", "district": "gusu", "waitlist": False,
        "eligibility": {"max_age": 35}, "per_worker_limit": {"count": 2, "period_days": 30},
        "sessions": new_sessions, "union_id": tree["ent"]["id"]}, token=staff)
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["kind"] == "night_class" and got["categories"] == ["skills_learning"]  # default follows the kind
    assert got["eligibility"]["max_age"] == 35 and got["waitlist"] is False and got["union_id"] == tree["ent"]["id"]
    assert len(got["sessions"]) == 1 and got["sessions"][0]["capacity"] == 3
    assert got["sessions"][0]["id"] != offer["sessions"][0]["id"]


def test_a_draft_may_not_move_to_a_union_the_staff_do_not_act_for(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False)
    assert_problem(client.patch(f"/catalog/offers/{offer['id']}", {"union_id": tree["gusu"]["id"]}, token=staff), 403)


def test_published_allows_text_address_new_sessions_and_more_capacity(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"])
    s1 = offer["sessions"][0]
    resp = client.patch(f"/catalog/offers/{offer['id']}", {
        "title": "新标题", "description": "新说明", "address": "新地址",
        "sessions": [{**s1, "capacity": 50}, {"starts_at": iso(20), "ends_at": iso(20, 3), "capacity": 7}],
    }, token=staff)
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["title"] == "新标题" and got["address"] == "新地址"
    assert [s["capacity"] for s in got["sessions"]] == [50, 7]
    assert got["sessions"][0]["id"] == s1["id"]


@pytest.mark.parametrize("patch", [
    {"kind": "rest_trip"}, {"district": "gusu"}, {"eligibility": {"max_age": 30}}, {"waitlist": False},
    {"per_worker_limit": {"count": 1, "period_days": 5}}, {"categories": ["housing"]},
])
def test_published_refuses_other_fields(client, staff, tree, patch):
    offer = make_offer(client, staff, tree["sip"]["id"])
    body = assert_problem(client.patch(f"/catalog/offers/{offer['id']}", patch, token=staff), 409, "invalid-state")
    assert next(iter(patch)) in body["detail"]
    assert client.get(f"/catalog/offers/{offer['id']}").get_json() == offer  # nothing changed


def test_published_accepts_unchanged_values_sent_back(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"])
    resp = client.patch(f"/catalog/offers/{offer['id']}", {"kind": offer["kind"], "district": offer["district"],
                                                           "title": "x"}, token=staff)
    assert resp.status_code == 200


def test_published_refuses_lower_capacity_removal_and_moved_times(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"])
    s1 = offer["sessions"][0]
    path = f"/catalog/offers/{offer['id']}"
    assert_problem(client.patch(path, {"sessions": [{**s1, "capacity": 9}]}, token=staff), 409, "invalid-state")
    assert_problem(client.patch(path, {"sessions": []}, token=staff), 409, "invalid-state")
    assert_problem(client.patch(path, {"sessions": [{**s1, "starts_at": iso(2)}]}, token=staff), 409, "invalid-state")
    body = assert_problem(client.patch(path, {"sessions": [s1, {"starts_at": iso(-1), "ends_at": iso(1),
                                                                "capacity": 1}]}, token=staff), 422)
    assert "sessions" in body["errors"]
    assert client.get(path).get_json() == offer


def test_unknown_session_id_in_patch_is_422(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False)
    body = assert_problem(client.patch(f"/catalog/offers/{offer['id']}", {"sessions": [
        {"id": "ses_nope", "starts_at": iso(2), "ends_at": iso(3), "capacity": 1}]}, token=staff), 422)
    assert "sessions.0.id" in body["errors"]


def test_closed_offers_cannot_change(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"])
    client.post(f"/catalog/offers/{offer['id']}/close", token=staff)
    assert_problem(client.patch(f"/catalog/offers/{offer['id']}", {"title": "x"}, token=staff), 409, "invalid-state")


def test_a_draft_can_be_closed(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False)
    assert client.post(f"/catalog/offers/{offer['id']}/close", token=staff).get_json()["status"] == "closed"
    assert_problem(client.get(f"/catalog/offers/{offer['id']}"), 404)  # never published: never public


def test_who_may_change_publish_and_close(client, token, admin, tree):
    offer = make_offer(client, admin, tree["ent"]["id"])
    other = token("staff", union=tree["gusu"]["id"])
    for method, path, body in [("PATCH", "", {"title": "x"}), ("POST", "/publish", None), ("POST", "/close", None)]:
        url = f"/catalog/offers/{offer['id']}{path}"
        assert_problem(client.open(method, url, json_body=body), 401)
        assert_problem(client.open(method, url, json_body=body, token=token("worker")), 403)
        assert_problem(client.open(method, url, json_body=body, token=other), 403)
    draft = make_offer(client, admin, tree["ent"]["id"], publish=False)
    # another union's draft is not even visible: 404, not 403
    assert_problem(client.post(f"/catalog/offers/{draft['id']}/publish", token=other), 404)
    assert_problem(client.patch(f"/catalog/offers/{draft['id']}", {"title": "x"}, token=other), 404)


def test_patch_validation(client, staff, tree):
    offer = make_offer(client, staff, tree["sip"]["id"], publish=False)
    path = f"/catalog/offers/{offer['id']}"
    assert_problem(client.patch(path, {"title": ""}, token=staff), 422)
    assert_problem(client.patch(path, {"colour": "red"}, token=staff), 422)
    assert_problem(client.patch(path, {"status": "published"}, token=staff), 422)
    assert_problem(client.open("PATCH", path, token=staff, data="[]", content_type="application/json"), 400)
    assert_problem(client.patch("/catalog/offers/nope", {"title": "x"}, token=staff), 404)
