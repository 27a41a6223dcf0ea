"""Staff and admin accounts, managed by admins: GET/POST /accounts/users, PATCH /accounts/users/<id>."""
import pytest

from tests.helpers import assert_problem

NEW = {"username": "zhang", "password": "long enough pw", "role": "staff", "union_id": "u-gusu",
       "display_name": "张伟"}


def test_admin_creates_lists_and_changes_staff(client, acc, admin):
    resp = client.post("/accounts/users", NEW, token=admin)
    assert resp.status_code == 201, resp.get_json()
    user = resp.get_json()
    assert {k: user[k] for k in ("username", "role", "union_id", "display_name", "active")} == \
        {"username": "zhang", "role": "staff", "union_id": "u-gusu", "display_name": "张伟", "active": True}
    assert user["id"].startswith("usr_") and user["created_at"].endswith("+08:00") and "password" not in str(user)
    page = client.get("/accounts/users", token=admin).get_json()
    assert page["total"] == 1 and page["items"] == [user]
    assert client.get("/accounts/users?role=admin", token=admin).get_json()["total"] == 0
    changed = client.patch(f"/accounts/users/{user['id']}", {"display_name": "张伟（园区）", "union_id": "u-sip"},
                           token=admin).get_json()
    assert changed["display_name"] == "张伟（园区）" and changed["union_id"] == "u-sip"
    assert client.post("/accounts/sessions/password",
                       {"username": "zhang", "password": "long enough pw"}).get_json()["user"]["union_id"] == "u-sip"


def test_duplicate_username_is_409_whatever_its_case(client, acc, admin):
    client.post("/accounts/users", NEW, token=admin)
    assert_problem(client.post("/accounts/users", {**NEW, "username": "ZHANG"}, token=admin), 409, "username-taken")
    assert client.get("/accounts/users", token=admin).get_json()["total"] == 1


@pytest.mark.parametrize("change, field", [
    ({"union_id": None}, "union_id"),
    ({"role": "admin"}, "union_id"),  # an admin has no union
    ({"role": "worker"}, "role"),
    ({"password": "short"}, "password"),
    ({"username": "a b"}, "username"),
    ({"username": "x"}, "username"),
    ({"display_name": ""}, "display_name"),
    ({"union_id": "U SIP"}, "union_id"),
    ({"extra": 1}, "extra"),
])
def test_bad_users_are_422(client, acc, admin, change, field):
    body = assert_problem(client.post("/accounts/users", {**NEW, **change}, token=admin), 422, "validation-error")
    assert field in body["errors"]
    assert client.get("/accounts/users", token=admin).get_json()["total"] == 0


def test_admin_without_union(client, acc, admin):
    body = {**NEW, "role": "admin", "union_id": None}
    resp = client.post("/accounts/users", body, token=admin)
    assert resp.status_code == 201 and resp.get_json()["union_id"] is None
    user_id = resp.get_json()["id"]
    assert_problem(client.patch(f"/accounts/users/{user_id}", {"union_id": "u-sip"}, token=admin), 422)


def test_only_admins_manage_users(client, acc, token, admin):
    staff, worker = token("staff", union="u-sip"), token("worker", "w-1")
    user_id = client.post("/accounts/users", NEW, token=admin).get_json()["id"]
    for tok, status in ((None, 401), (staff, 403), (worker, 403)):
        assert_problem(client.get("/accounts/users", token=tok), status)
        assert_problem(client.post("/accounts/users", {**NEW, "username": "other"}, token=tok), status)
        assert_problem(client.patch(f"/accounts/users/{user_id}", {"active": False}, token=tok), status)
    assert client.get("/accounts/users", token=admin).get_json()["items"][0]["active"] is True


def test_disable_then_enable(client, acc, admin):
    user_id = client.post("/accounts/users", NEW, token=admin).get_json()["id"]
    sign_in = {"username": "zhang", "password": "long enough pw"}
    assert client.patch(f"/accounts/users/{user_id}", {"active": False}, token=admin).get_json()["active"] is False
    assert_problem(client.post("/accounts/sessions/password", sign_in), 401, "invalid-credentials")
    client.patch(f"/accounts/users/{user_id}", {"active": True}, token=admin)
    assert client.post("/accounts/sessions/password", sign_in).status_code == 200


def test_unknown_user_is_404_and_an_admin_cannot_disable_themself(client, acc, admin, make_user):
    assert_problem(client.patch("/accounts/users/usr_nope", {"active": False}, token=admin), 404)
    me = make_user(username="boss", role="admin")
    mine = client.post("/accounts/sessions/password", {"username": "boss", "password": "correct horse 1"}).get_json()
    body = assert_problem(client.patch(f"/accounts/users/{me.id}", {"active": False}, token=mine["token"]), 422)
    assert "active" in body["errors"]


def test_control_characters_are_422_not_a_database_error(client, acc, admin):
    """PostgreSQL refuses NUL in text: it must be a 422, never a 5xx."""
    body = assert_problem(client.post("/accounts/sessions/password", {"username": "li\u0000", "password": "x"}), 422)
    assert "username" in body["errors"]
    assert "display_name" in assert_problem(client.post("/accounts/users", {**NEW, "display_name": "a\u0000"},
                                                        token=admin), 422)["errors"]
    assert_problem(client.get("/accounts/users?union_id=u%00x", token=admin), 422)
    assert_problem(client.post("/accounts/codes", {"phone": "138\u00001234"}), 422)
    assert_problem(client.post("/accounts/sessions/code", {"phone": "13812345678", "code": "12345\u0000"}), 422)
    assert_problem(client.patch("/accounts/users/usr_%00", {"active": True}, token=admin), 400, "bad-request")  # the edge
    assert_problem(client.patch("/accounts/users/" + "u" * 41, {"active": True}, token=admin), 404)
