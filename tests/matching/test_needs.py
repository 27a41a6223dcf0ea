import pytest

from tests.helpers import assert_problem
from tests.factories import make_need, make_profile


def test_a_worker_records_its_own_need_and_the_category_is_inferred(client, token):
    me = token("worker", "w-1")
    need = make_need(client, me, "w-1", "孩子放學沒人接")
    assert need["category"] == "childcare" and need["category_source"] == "inferred"
    assert need["status"] == "open" and need["source"] == "online" and need["worker_id"] == "w-1"
    assert need["id"] and need["created_at"].endswith("+08:00")


def test_a_given_category_is_kept(client, token):
    need = make_need(client, token("worker", "w-1"), "w-1", "随便说说", category="housing")
    assert need["category"] == "housing" and need["category_source"] == "given"


def test_staff_record_needs_at_an_interview_point(client, token):
    need = make_need(client, token("staff", union="u-sip"), "w-5", "想学电工", interview_point="星湖街服务站")
    assert need["source"] == "interview"


def test_a_worker_cannot_record_for_another(client, token):
    # Another worker is one it may not see: 404, as for reading (API.md: one rule).
    assert_problem(client.post("/matching/needs", {"worker_id": "w-2", "text": "体检"}, token=token("worker", "w-1")),
                   404, "not-found")


@pytest.mark.parametrize("body, field", [
    ({"text": "体检"}, "worker_id"),
    ({"worker_id": "w-1"}, "text"),
    ({"worker_id": "w-1", "text": "   "}, "text"),
    ({"worker_id": "w-1", "text": "x" * 1001}, "text"),
    ({"worker_id": "w-1", "text": "体检", "category": "astrology"}, "category"),
    ({"worker_id": "w-1", "text": "体检", "source": "pigeon"}, "source"),
    ({"worker_id": "w-1", "text": "体检", "priority": 1}, "priority"),
])
def test_bad_needs_are_422(client, admin, body, field):
    assert field in assert_problem(client.post("/matching/needs", body, token=admin), 422)["errors"]
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 0


def test_listing_filters_and_worker_scope(client, token, admin):
    make_profile(client, admin, "w-1", district="sip")
    make_profile(client, admin, "w-2", district="gusu")
    make_need(client, admin, "w-1", "想要体检")
    make_need(client, admin, "w-1", "房租太贵")
    make_need(client, admin, "w-2", "想要体检")
    make_need(client, admin, "w-3", "想要体检")  # no profile yet
    page = client.get("/matching/needs", token=admin).get_json()
    assert page["total"] == 4 and page["per_page"] == 20
    assert client.get("/matching/needs?category=housing", token=admin).get_json()["total"] == 1
    assert client.get("/matching/needs?district=gusu", token=admin).get_json()["total"] == 1
    assert client.get("/matching/needs?worker_id=w-1", token=admin).get_json()["total"] == 2
    assert client.get("/matching/needs?status=fulfilled", token=admin).get_json()["total"] == 0
    mine = client.get("/matching/needs", token=token("worker", "w-1")).get_json()
    assert mine["total"] == 2 and {n["worker_id"] for n in mine["items"]} == {"w-1"}
    assert_problem(client.get("/matching/needs?worker_id=w-2", token=token("worker", "w-1")), 404, "not-found")
    assert_problem(client.get("/matching/needs"), 401)
    assert_problem(client.get("/matching/needs?status=done", token=admin), 422)
