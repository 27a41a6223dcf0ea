"""Tokens: missing, malformed, badly signed, expired; roles and union scope."""
from datetime import timedelta

import jwt
import pytest

from shared.auth import Principal, decode_token, issue_token
from shared.errors import Unauthorized
from tests.helpers import SECRET, assert_problem


def test_no_token_is_401(client):
    assert_problem(client.get("/catalog/unions"), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer", "Bearer    ", "Basic abc", "Token x.y.z", "Bearer not-a-jwt"])
def test_malformed_authorization_is_401(client, header):
    assert_problem(client.get("/catalog/unions", headers={"Authorization": header}), 401, "unauthorized")


def test_badly_signed_token_is_401(client):
    forged = issue_token("another-secret-0123456789-0123456789", "admin-1", "admin")
    body = assert_problem(client.get("/catalog/unions", token=forged), 401)
    assert "signature" in body["detail"]


def test_expired_token_is_401(client, token):
    old = token("admin", ttl=timedelta(seconds=-5))
    body = assert_problem(client.get("/catalog/unions", token=old), 401)
    assert "expired" in body["detail"]


def test_token_with_unknown_role_or_no_exp_is_401(client):
    weird = jwt.encode({"sub": "x", "role": "root", "exp": 9999999999}, SECRET, algorithm="HS256")
    assert_problem(client.get("/catalog/unions", token=weird), 401)
    no_exp = jwt.encode({"sub": "x", "role": "admin"}, SECRET, algorithm="HS256")
    assert_problem(client.get("/catalog/unions", token=no_exp), 401)
    staff_without_union = jwt.encode({"sub": "x", "role": "staff", "exp": 9999999999}, SECRET, algorithm="HS256")
    assert_problem(client.get("/catalog/unions", token=staff_without_union), 401)


def test_alg_none_is_refused():
    unsigned = jwt.encode({"sub": "x", "role": "admin", "exp": 9999999999}, key=None, algorithm="none")
    with pytest.raises(Unauthorized):
        decode_token(SECRET, unsigned)


def test_staff_act_for_their_union_and_below_only():
    staff = Principal("s1", "staff", "u-sip")
    assert staff.acts_for(["u-city", "u-sip"])
    assert staff.acts_for(["u-city", "u-sip", "u-ent"])
    assert not staff.acts_for(["u-city"])
    assert not staff.acts_for(["u-city", "u-gusu"])
    assert Principal("a", "admin").acts_for(["anything"])
    assert not Principal("w", "worker").acts_for(["u-sip"])


def test_token_cli_mints_a_token_the_service_accepts(monkeypatch, capsys):
    from services.cli import main

    monkeypatch.setenv("JWT_SECRET", SECRET)
    main(["token", "--role", "staff", "--union", "u-sip"])
    principal = decode_token(SECRET, capsys.readouterr().out.strip())
    assert principal.role == "staff" and principal.union_id == "u-sip"


def test_token_cli_refuses_staff_without_union(monkeypatch):
    from services.cli import main

    monkeypatch.setenv("JWT_SECRET", SECRET)
    with pytest.raises(SystemExit):
        main(["token", "--role", "staff"])
