"""POST /accounts/sessions/refresh and POST /accounts/password."""
from datetime import timedelta

import pytest

from shared.auth import decode_token
from tests.helpers import SECRET, assert_problem


@pytest.fixture
def staff_session(client, acc, make_user):
    make_user()
    return client.post("/accounts/sessions/password", {"username": "li", "password": "correct horse 1"}).get_json()


def refresh(client, token):
    return client.post("/accounts/sessions/refresh", token=token)


def test_refresh_gives_a_new_session_from_the_account_as_it_is(client, acc, staff_session, admin):
    user_id = staff_session["user"]["id"]
    assert client.patch(f"/accounts/users/{user_id}", {"union_id": "u-gusu"}, token=admin).status_code == 200
    resp = refresh(client, staff_session["token"])
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["user"] == {**staff_session["user"], "union_id": "u-gusu"}
    assert decode_token(SECRET, body["token"]).union_id == "u-gusu"


def test_refresh_of_a_worker(client, acc):
    acc.sender = type("S", (), {"shows_code": False, "send_code": lambda self, p, c: sent.append(c)})()
    sent = []
    client.post("/accounts/codes", {"phone": "13912345678"})
    session = client.post("/accounts/sessions/code", {"phone": "13912345678", "code": sent[0]}).get_json()
    body = refresh(client, session["token"]).get_json()
    assert body["user"] == session["user"] and decode_token(SECRET, body["token"]).sub == session["user"]["id"]


def test_refresh_refuses_a_disabled_account(client, acc, staff_session, admin):
    client.patch(f"/accounts/users/{staff_session['user']['id']}", {"active": False}, token=admin)
    assert_problem(refresh(client, staff_session["token"]), 401, "unauthorized")


def test_refresh_refuses_no_token_a_bad_one_an_expired_one_and_an_unknown_account(client, acc, token):
    assert_problem(client.post("/accounts/sessions/refresh"), 401)
    assert_problem(refresh(client, "not.a.token"), 401)
    assert_problem(refresh(client, token("worker", "w-000000000000", ttl=timedelta(seconds=-1))), 401)
    assert_problem(refresh(client, token("worker", "w-000000000000")), 401)  # no such worker here
    assert_problem(refresh(client, token("admin", "admin-1")), 401)  # a dev CLI token, no account


def change(client, token, current="correct horse 1", new="a brand new one"):
    return client.post("/accounts/password", {"current_password": current, "new_password": new}, token=token)


def test_change_password(client, acc, staff_session):
    resp = change(client, staff_session["token"])
    assert resp.status_code == 204 and resp.get_data() == b""
    assert client.post("/accounts/sessions/password", {"username": "li", "password": "correct horse 1"}).status_code == 401
    assert client.post("/accounts/sessions/password", {"username": "li", "password": "a brand new one"}).status_code == 200


def test_change_password_wrong_current_or_short_new(client, acc, staff_session):
    body = assert_problem(change(client, staff_session["token"], current="not it at all"), 422, "validation-error")
    assert list(body["errors"]) == ["current_password"]
    body = assert_problem(change(client, staff_session["token"], new="short"), 422, "validation-error")
    assert list(body["errors"]) == ["new_password"]
    assert client.post("/accounts/sessions/password", {"username": "li", "password": "correct horse 1"}).status_code == 200


def test_guessing_the_current_password_locks_like_sign_in(client, acc, staff_session):
    for _ in range(5):
        change(client, staff_session["token"], current="guess guess")
    assert_problem(change(client, staff_session["token"]), 429, "rate-limited")


def test_change_password_is_for_staff_and_admins_with_an_account(client, acc, token):
    assert_problem(client.post("/accounts/password", {"current_password": "x", "new_password": "y" * 10}), 401)
    assert_problem(change(client, token("worker", "w-1")), 403, "forbidden")
    assert_problem(change(client, token("staff", "usr_nobody", union="u-sip")), 401)
