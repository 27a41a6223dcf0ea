"""No client input reaches a 5xx: control characters, deep or huge JSON, values the database refuses."""
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError

from shared.api import Blueprint
from shared.app import create_service_app
from shared import edge
from shared.auth import issue_token
from shared.db import request_session
from tests.helpers import SECRET, assert_problem


@pytest.mark.parametrize("path", ["/booking/sessions/a%00b", "/catalog/offers/abc%0Adef", "/matching/profiles/%01",
                                  "/catalog/offers/%7F", "/booking/%00"])
def test_control_characters_in_the_path_are_400(client, path):
    assert_problem(client.get(path), 400, "bad-request")


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "district=sip%0D", "q=%C2%85"])
def test_control_characters_in_the_query_are_422_naming_the_parameter(client, query):
    body = assert_problem(client.get(f"/catalog/offers?{query}"), 422, "validation-error")
    assert set(body["errors"]) == {query.split("=")[0]}


def test_control_characters_in_a_query_parameter_name_are_400(client):
    assert_problem(client.get("/catalog/offers?a%00=1"), 400, "bad-request")


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "\ud800", "x\udfff", "\x7f", "\x9b"])
def test_control_characters_and_lone_surrogates_in_json_strings_are_422(client, admin, value):
    raw = json.dumps({"name": value, "district": "sip"})  # \u escapes: a lone surrogate is valid JSON
    resp = client.open("POST", "/catalog/unions", token=admin, data=raw, content_type="application/json")
    body = assert_problem(resp, 422, "validation-error")
    assert "name" in body["errors"]
    assert client.get("/catalog/unions", token=admin).get_json()["total"] == 0


def test_nested_fields_are_named_and_line_breaks_in_text_are_kept(client, admin):
    resp = client.post("/catalog/unions", {"name": "ok", "district": "sip", "x": {"y": ["fine", "bad\x00"]}},
                       token=admin)
    assert assert_problem(resp, 422)["errors"] == {"x.y.1": [edge.NOT_ALLOWED]}
    resp = client.post("/catalog/unions", {"name": "第一行\n第二行\t", "district": "sip"}, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_a_control_character_in_a_json_key_is_400(client, admin):
    resp = client.post("/catalog/unions", {"name": "x", "district": "sip", "a\x00": 1}, token=admin)
    assert_problem(resp, 400, "bad-request")


def test_a_token_whose_subject_has_a_nul_is_401(client, token):
    bad = issue_token(SECRET, "w\x001", "worker")
    assert_problem(client.get("/booking/bookings", token=bad), 401, "unauthorized")
    staff = issue_token(SECRET, "s-1", "staff", "u\x00x")
    assert_problem(client.get("/booking/bookings", token=staff), 401, "unauthorized")


def test_control_characters_in_headers_the_apps_read_are_400(client, token):
    resp = client.post("/booking/bookings", {"session_id": "s"}, token=token("worker", "w1"),
                       headers={"Idempotency-Key": "k\x00"})
    assert_problem(resp, 400, "bad-request")


def _raw(client, data: str | bytes, token=None, path="/booking/bookings"):
    return client.open("POST", path, token=token, data=data, content_type="application/json")


@pytest.mark.parametrize("raw", [
    "[" * 1000 + "]" * 1000,                                        # RecursionError in json.loads
    "[" * 100_000 + "]" * 100_000,
    '{"session_id": ' + "[" * 40 + "]" * 40 + "}",                  # deep inside a valid object
    '{"a": ' + '{"a": ' * 500 + "1" + "}" * 500 + "}",
])
def test_deeply_nested_json_is_400_before_authentication(client, raw):
    assert_problem(_raw(client, raw), 400, "bad-request")


@pytest.mark.parametrize("number", ["1e999999", "-1e999999", "1" * 100_000, "9" * 4000, "12345678901234567890123",
                                    "1" + "0" * 400 + ".5", "NaN", "Infinity", "-Infinity"])
def test_numbers_no_field_can_hold_are_400(client, admin, number):
    resp = _raw(client, '{"session_id": "s", "worker_id": ' + number + "}", token=admin)
    assert_problem(resp, 400, "bad-request")


def test_ordinary_numbers_still_pass_the_edge(client, admin):
    # a 64-bit integer is not refused by the edge: the schema says what is wrong with it
    resp = _raw(client, '{"session_id": "s", "worker_id": 9223372036854775807}', token=admin)
    assert_problem(resp, 422, "validation-error")


def test_invalid_utf8_and_encoded_lone_surrogates_are_refused(client, admin):
    assert_problem(_raw(client, b'{"session_id": "\xed\xa0\x80"}', token=admin), 400, "bad-request")
    assert_problem(_raw(client, '{"session_id": "\\ud800"}', token=admin), 422, "validation-error")


@pytest.fixture
def probe(configs):
    """A service app with routes that hand the database what the edge would not let through."""
    blp = Blueprint("probe", __name__, url_prefix="/probe")

    @blp.route("/text")
    def store_text():
        return {"v": request_session().execute(text("SELECT :v"), {"v": "a\x00b"}).scalar()}

    @blp.route("/small")
    def small_number():
        return {"v": request_session().execute(text("SELECT CAST(:v AS SMALLINT)"), {"v": 10 ** 6}).scalar()}

    @blp.route("/big")
    def big_number():
        return {"v": request_session().execute(text("SELECT :v"), {"v": 2 ** 70}).scalar()}

    @blp.route("/raise")
    def data_error():
        raise DataError("INSERT", {}, Exception("value too long for type character varying(64)"))

    from dataclasses import replace

    return create_service_app(replace(configs["booking"], name="probe"), title="probe", blueprints=[blp]).test_client()


def test_values_the_database_refuses_are_400_not_500(probe, configs):
    assert_problem(probe.get("/probe/raise"), 400, "bad-request")
    on_pg = "postgresql" in configs["booking"].database_url
    # PostgreSQL refuses NUL in text and checks SMALLINT; SQLite refuses integers over 64 bits
    refused = ("/probe/text", "/probe/small") if on_pg else ("/probe/big",)
    for path in refused:
        body = assert_problem(probe.get(path), 400, "bad-request")
        assert "NUL" not in body["detail"] and "SELECT" not in body["detail"]  # nothing of the SQL leaks


def test_answers_carry_a_valid_request_id_and_never_an_odd_one(client):
    given = client.get("/catalog/offers", headers={"X-Request-Id": "gw-123abc"})
    assert given.headers["X-Request-Id"] == "gw-123abc"
    odd = client.get("/catalog/offers", headers={"X-Request-Id": "x" * 65})
    assert odd.headers["X-Request-Id"] != "x" * 65 and len(odd.headers["X-Request-Id"]) == 16
    refused = client.get("/booking/sessions/a%00b", headers={"X-Request-Id": "r-1"})
    assert refused.headers["X-Request-Id"] == "r-1"


def test_every_refusal_is_json_the_client_can_read(client):
    resp = _raw(client, "[" * 5000)
    assert json.loads(resp.get_data(as_text=True))["type"] == "bad-request"
