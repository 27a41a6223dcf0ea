"""Request bodies are typed: integers, booleans, texts and ids are what they say, on every service."""
from __future__ import annotations

import pytest

from shared.fields import ID_PATTERN, is_id
from tests.helpers import assert_problem
from tests.factories import make_offer, make_union, offer_body, profile_body, iso


@pytest.fixture
def union(client, admin):
    return make_union(client, admin)


def _session(**overrides) -> dict:
    return {"starts_at": iso(days=3), "ends_at": iso(days=3, hours=2), "capacity": 10, **overrides}


@pytest.mark.parametrize("capacity", [1.5, 2.0, "10", True, None, [3]])
def test_capacity_is_a_json_integer(client, admin, union, capacity):
    body = offer_body(union["id"], sessions=[_session(capacity=capacity)])
    problem = assert_problem(client.post("/catalog/offers", body, token=admin), 422, "validation-error")
    assert "sessions.0.capacity" in problem["errors"]


@pytest.mark.parametrize("field,value", [("count", "1"), ("count", 1.5), ("period_days", True)])
def test_limit_numbers_are_json_integers(client, admin, union, field, value):
    limit = {"count": 1, "period_days": 30, field: value}
    problem = assert_problem(client.post("/catalog/offers", offer_body(union["id"], per_worker_limit=limit),
                                         token=admin), 422, "validation-error")
    assert f"per_worker_limit.{field}" in problem["errors"]


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "false", None])
def test_booleans_are_true_or_false(client, admin, union, value):
    problem = assert_problem(client.post("/catalog/offers", offer_body(union["id"], waitlist=value), token=admin),
                             422, "validation-error")
    assert "waitlist" in problem["errors"]
    resp = client.put("/matching/workers/w-types", profile_body(union_member=value), token=admin)
    assert "union_member" in assert_problem(resp, 422, "validation-error")["errors"]


def test_integers_and_booleans_still_load(client, admin, union):
    body = offer_body(union["id"], waitlist=False, sessions=[_session(capacity=7)],
                      eligibility={"min_age": 18, "max_age": 40, "members_only": True})
    resp = client.post("/catalog/offers", body, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    offer = resp.get_json()
    assert offer["sessions"][0]["capacity"] == 7 and offer["waitlist"] is False
    assert offer["eligibility"]["members_only"] is True and offer["eligibility"]["max_age"] == 40


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "\u3000", "标题\x00"])
def test_offer_title_is_not_blank(client, admin, union, title):
    problem = assert_problem(client.post("/catalog/offers", offer_body(union["id"], title=title), token=admin),
                             422, "validation-error")
    assert "title" in problem["errors"]
    offer = make_offer(client, admin, union["id"], publish=False)
    resp = client.patch(f"/catalog/offers/{offer['id']}", {"title": title}, token=admin)
    assert "title" in assert_problem(resp, 422, "validation-error")["errors"]


def test_optional_texts_take_empty_but_not_blank(client, admin, union):
    resp = client.post("/catalog/offers", offer_body(union["id"], description="", address=""), token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    resp = client.post("/catalog/offers", offer_body(union["id"], address="   "), token=admin)
    assert "address" in assert_problem(resp, 422, "validation-error")["errors"]


@pytest.mark.parametrize("text", ["", "  ", "\x00"])
def test_blank_texts_are_refused_everywhere(client, admin, text):
    resp = client.post("/catalog/unions", {"name": text, "district": "sip"}, token=admin)
    assert "name" in assert_problem(resp, 422, "validation-error")["errors"]
    resp = client.post("/matching/needs", {"worker_id": "w-1", "text": text}, token=admin)
    assert "text" in assert_problem(resp, 422, "validation-error")["errors"]
    resp = client.post("/matching/classify", {"text": text}, token=admin)
    assert "text" in assert_problem(resp, 422, "validation-error")["errors"]


@pytest.mark.parametrize("path_id", ["%20", "a" * 65, "a" * 300, "-leading-dash", "%E5%BC%A0%E4%B8%89"])
def test_path_ids_that_do_not_match_the_pattern_are_not_found(client, admin, path_id):
    resp = client.put(f"/matching/workers/{path_id}", profile_body(), token=admin)
    assert_problem(resp, 404, "not-found")
    for path in (f"/catalog/offers/{path_id}", f"/catalog/unions/{path_id}", f"/booking/sessions/{path_id}",
                 f"/booking/bookings/{path_id}", f"/matching/workers/{path_id}/recommendations"):
        assert_problem(client.get(path, token=admin), 404, "not-found")
    assert client.get("/matching/workers/w-types", token=admin).status_code == 404  # nothing was created


def test_a_path_id_with_a_control_character_is_refused_at_the_edge(client, admin):
    for path in ("/matching/workers/a%0A", "/catalog/offers/a%0A", "/booking/bookings/a%00b"):
        assert_problem(client.get(path, token=admin), 400, "bad-request")


@pytest.mark.parametrize("worker_id", ["", " ", "a" * 65, "a" * 300, "w 1", "w-1\n"])
def test_body_and_query_ids_follow_the_same_pattern(client, admin, worker_id):
    resp = client.post("/matching/needs", {"worker_id": worker_id, "text": "想要免费体检"}, token=admin)
    assert "worker_id" in assert_problem(resp, 422, "validation-error")["errors"]
    resp = client.post("/booking/bookings", {"session_id": "ses_1", "worker_id": worker_id}, token=admin)
    assert "worker_id" in assert_problem(resp, 422, "validation-error")["errors"]
    resp = client.get("/booking/bookings", query_string={"worker_id": worker_id}, token=admin)
    assert "worker_id" in assert_problem(resp, 422, "validation-error")["errors"]


def test_a_64_character_id_is_taken_in_the_path_and_in_bodies(client, admin):
    worker_id = "w" * 64
    resp = client.put(f"/matching/workers/{worker_id}", profile_body(), token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    resp = client.post("/matching/needs", {"worker_id": worker_id, "text": "想要免费体检"}, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)


@pytest.mark.parametrize("value", ["ofr_0123456789abcdef0123456789abcdef", "need_" + "f" * 32, "u-sip-xietang",
                                   "demo-class-fan-s1", "demo-w00001", "worker-1a2b3c", "a", "urn:x.y_z-1"])
def test_the_ids_we_generate_match(value):
    assert is_id(value)


@pytest.mark.parametrize("value", ["", "-a", ".a", "a b", "a/b", "张三", "a\n", "a" * 65, None, 5])
def test_other_values_are_not_ids(value):
    assert not is_id(value)


def test_the_pattern_is_stated_in_every_openapi_document(client):
    for svc in ("catalog", "matching", "booking"):
        text = client.get(f"/{svc}/openapi.json").get_data(as_text=True)
        assert ID_PATTERN.replace("\\", "\\\\") in text, svc


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00",
                                       "1999-12-31T23:00:00+08:00", 1767225600, True])
def test_times_are_offset_strings_within_2000_to_2100(client, admin, union, starts_at):
    body = offer_body(union["id"], sessions=[_session(starts_at=starts_at)])
    problem = assert_problem(client.post("/catalog/offers", body, token=admin), 422, "validation-error")
    assert "sessions.0.starts_at" in problem["errors"]


def test_every_demo_id_matches():
    from services.demo import catalog as demo_catalog, matching as demo_matching, population

    ids = [u[0] for u in demo_catalog.UNIONS]
    for spec in demo_catalog.OFFERS:
        ids += [spec["id"], *(s["id"] for s in spec["data"]["sessions"])]
    ids += [w["worker_id"] for w in population.workers(50, prefix="demo-w")]
    ids += [demo_catalog.ADMIN.sub, demo_matching.RECORDER]
    assert [i for i in ids if not is_id(i)] == []
    assert len(ids) > 80
