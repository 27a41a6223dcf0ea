from tests.helpers import assert_problem
from tests.factories import make_union


def test_admin_creates_a_union_tree(client, admin):
    city = make_union(client, admin, "苏州市总工会", "gusu")
    assert city["parent_id"] is None and city["name"] == "苏州市总工会" and city["id"]
    sip = make_union(client, admin, "园区总工会", "sip", city["id"])
    assert sip["parent_id"] == city["id"]
    got = client.get(f"/catalog/unions/{sip['id']}", token=admin).get_json()
    assert got == sip


def test_only_admins_create_unions(client, token):
    body = {"name": "x", "district": "sip"}
    assert_problem(client.post("/catalog/unions", body), 401, "unauthorized")
    assert_problem(client.post("/catalog/unions", body, token=token("worker")), 403, "forbidden")
    assert_problem(client.post("/catalog/unions", body, token=token("staff", union="u1")), 403, "forbidden")


def test_unknown_parent_is_422(client, admin):
    body = assert_problem(client.post("/catalog/unions", {"name": "x", "district": "sip", "parent_id": "nope"},
                                      token=admin), 422, "validation-error")
    assert "parent_id" in body["errors"]


def test_list_and_read_need_a_token(client, admin, token):
    city = make_union(client, admin)
    assert_problem(client.get("/catalog/unions"), 401)
    assert_problem(client.get(f"/catalog/unions/{city['id']}"), 401)
    page = client.get("/catalog/unions", token=token("worker")).get_json()
    assert page["total"] == 1 and page["items"][0]["id"] == city["id"] and page["page"] == 1 and page["per_page"] == 20


def test_list_filters_by_parent(client, admin):
    city = make_union(client, admin)
    make_union(client, admin, "a", "sip", city["id"])
    make_union(client, admin, "b", "gusu", city["id"])
    page = client.get(f"/catalog/unions?parent_id={city['id']}&district=gusu", token=admin).get_json()
    assert [u["name"] for u in page["items"]] == ["b"]


def test_unknown_union_is_404(client, admin):
    assert_problem(client.get("/catalog/unions/nope", token=admin), 404, "not-found")
