"""Listing: visibility, filters, pagination, order, search in both scripts."""
import pytest

from tests.helpers import assert_problem
from tests.factories import iso, make_offer, union_tree


@pytest.fixture
def tree(client, admin):
    return union_tree(client, admin)


def titles(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [o["title"] for o in resp.get_json()["items"]]


def test_public_sees_only_published(client, admin, tree):
    make_offer(client, admin, tree["sip"]["id"], title="已发布")
    make_offer(client, admin, tree["sip"]["id"], title="草稿", publish=False)
    closed = make_offer(client, admin, tree["sip"]["id"], title="已关闭")
    client.post(f"/catalog/offers/{closed['id']}/close", token=admin)
    assert titles(client.get("/catalog/offers")) == ["已发布"]
    assert titles(client.get("/catalog/offers?status=published")) == ["已发布"]


def test_drafts_and_closed_only_for_their_staff(client, admin, token, tree):
    make_offer(client, admin, tree["ent"]["id"], title="企业草稿", publish=False)
    make_offer(client, admin, tree["gusu"]["id"], title="姑苏草稿", publish=False)
    assert_problem(client.get("/catalog/offers?status=draft"), 401)
    assert_problem(client.get("/catalog/offers?status=draft", token=token("worker")), 403)
    assert titles(client.get("/catalog/offers?status=draft", token=token("staff", union=tree["sip"]["id"]))) == ["企业草稿"]
    assert sorted(titles(client.get("/catalog/offers?status=draft", token=admin))) == ["企业草稿", "姑苏草稿"]
    assert titles(client.get("/catalog/offers?status=closed", token=admin)) == []


def test_filters(client, admin, tree):
    make_offer(client, admin, tree["sip"]["id"], title="体检", kind="health_checkup", district="sip")
    make_offer(client, admin, tree["gusu"]["id"], title="疗休养", kind="rest_trip", district="gusu",
               categories=["rest_recuperation", "health_checkup"])
    make_offer(client, admin, tree["gusu"]["id"], title="夜校", kind="night_class", district="gusu")
    assert titles(client.get("/catalog/offers?kind=rest_trip")) == ["疗休养"]
    assert sorted(titles(client.get("/catalog/offers?category=health_checkup"))) == ["体检", "疗休养"]
    assert sorted(titles(client.get("/catalog/offers?district=gusu"))) == ["夜校", "疗休养"]
    assert titles(client.get(f"/catalog/offers?union_id={tree['sip']['id']}")) == ["体检"]
    assert len(titles(client.get(f"/catalog/offers?union_id={tree['city']['id']}"))) == 3  # and unions below
    assert titles(client.get("/catalog/offers?district=gusu&kind=night_class")) == ["夜校"]


def test_sorted_by_soonest_upcoming_session(client, admin, tree):
    def sessions(*days):
        return [{"starts_at": iso(d), "ends_at": iso(d, 2), "capacity": 5} for d in days]

    make_offer(client, admin, tree["sip"]["id"], title="十天后", sessions=sessions(10))
    make_offer(client, admin, tree["sip"]["id"], title="两天后", sessions=sessions(-5, 2, 30))
    make_offer(client, admin, tree["sip"]["id"], title="五天后", sessions=sessions(5))
    assert titles(client.get("/catalog/offers")) == ["两天后", "五天后", "十天后"]


def test_pagination(client, admin, tree):
    for i in range(5):
        make_offer(client, admin, tree["sip"]["id"], title=f"课{i}",
                   sessions=[{"starts_at": iso(i + 1), "ends_at": iso(i + 1, 1), "capacity": 1}])
    page = client.get("/catalog/offers?page=2&per_page=2").get_json()
    assert page["total"] == 5 and page["page"] == 2 and page["per_page"] == 2
    assert [o["title"] for o in page["items"]] == ["课2", "课3"]
    assert client.get("/catalog/offers?page=9&per_page=2").get_json()["items"] == []


@pytest.mark.parametrize("query", ["体检", "體檢", "司机", "司機", "免费体检", "免費體檢", "司机 体检", "網約車司機"])
def test_search_finds_simplified_text_with_either_script(client, admin, tree, query):
    make_offer(client, admin, tree["sip"]["id"], title="网约车司机免费体检", description="每三年一次")
    make_offer(client, admin, tree["sip"]["id"], title="扇面画夜校", description="创意课程")
    assert titles(client.get(f"/catalog/offers?q={query}")) == ["网约车司机免费体检"]


@pytest.mark.parametrize("query", ["疗休养", "療休養", "两天一晚", "兩天一晚"])
def test_search_finds_traditional_text_with_either_script(client, admin, tree, query):
    make_offer(client, admin, tree["sip"]["id"], title="療休養：兩天一晚", description="職工休息",
               kind="rest_trip")
    make_offer(client, admin, tree["sip"]["id"], title="电工证培训", kind="night_class")
    assert titles(client.get(f"/catalog/offers?q={query}")) == ["療休養：兩天一晚"]


def test_search_matches_description_and_needs_every_word(client, admin, tree):
    make_offer(client, admin, tree["sip"]["id"], title="夜校", description="整理收纳技巧")
    assert titles(client.get("/catalog/offers?q=收纳")) == ["夜校"]
    assert titles(client.get("/catalog/offers?q=收纳 游泳")) == []
    assert titles(client.get("/catalog/offers?q=100%")) == []  # LIKE wildcards are literal


def test_q_is_validated(client):
    assert_problem(client.get("/catalog/offers?q="), 422)
    assert_problem(client.get("/catalog/offers?q=" + "长" * 101), 422)
