"""Every error is problem+json: routing, bodies, validation."""
import pytest

from tests.helpers import assert_problem


@pytest.mark.parametrize("path", ["/nowhere", "/catalog/nowhere", "/matching/x/y", "/booking/unknown"])
def test_unknown_paths_are_404_problems(client, path):
    assert_problem(client.get(path), 404, "not-found")


def test_wrong_method_is_405_problem(client, admin):
    body = assert_problem(client.open("DELETE", "/catalog/unions", token=admin), 405, "method-not-allowed")
    assert "method" in body["detail"].lower()


def test_malformed_json_is_400(client, admin):
    resp = client.open("POST", "/catalog/unions", token=admin, data="{not json", content_type="application/json")
    assert_problem(resp, 400, "bad-request")


@pytest.mark.parametrize("raw", ["[1, 2]", "\"text\"", "42", "null"])
def test_json_that_is_not_an_object_is_400(client, admin, raw):
    resp = client.open("POST", "/catalog/unions", token=admin, data=raw, content_type="application/json")
    assert_problem(resp, 400, "bad-request")


def test_invalid_utf8_is_400(client, admin):
    resp = client.open("POST", "/catalog/unions", token=admin, data=b"{\"name\": \"\xff\"}",
                       content_type="application/json")
    assert_problem(resp, 400, "bad-request")


def test_body_over_one_mib_is_413(client, admin):
    big = '{"name": "' + "x" * (1024 * 1024 + 10) + '"}'
    resp = client.open("POST", "/catalog/unions", token=admin, data=big, content_type="application/json")
    assert_problem(resp, 413, "payload-too-large")


def test_non_json_body_is_415(client, admin):
    resp = client.open("POST", "/catalog/unions", token=admin, data="name=x", content_type="application/x-www-form-urlencoded")
    assert_problem(resp, 415, "unsupported-media-type")
    resp = client.open("POST", "/catalog/unions", token=admin, data="<u/>", content_type="text/xml")
    assert_problem(resp, 415)


def test_validation_errors_name_each_field(client, admin):
    resp = client.post("/catalog/unions", {"name": "", "district": "mars", "colour": "red"}, token=admin)
    body = assert_problem(resp, 422, "validation-error")
    assert set(body["errors"]) == {"name", "district", "colour"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())


def test_bad_query_parameters_are_422(client):
    body = assert_problem(client.get("/catalog/offers?per_page=101"), 422, "validation-error")
    assert "per_page" in body["errors"]
    assert_problem(client.get("/catalog/offers?page=0"), 422)
    assert_problem(client.get("/catalog/offers?district=atlantis"), 422)
    assert_problem(client.get("/catalog/offers?page=abc"), 422)


def test_health_and_docs_for_every_service(client):
    for svc in ("catalog", "matching", "booking"):
        assert client.get(f"/{svc}/healthz").get_json() == {"status": "ok"}
        ready = client.get(f"/{svc}/readyz")
        assert ready.status_code == 200 and ready.get_json()["status"] == "ok"
        spec = client.get(f"/{svc}/openapi.json").get_json()
        assert spec["openapi"].startswith("3.")
        assert client.get(f"/{svc}/docs").status_code == 200


def test_readyz_is_503_when_the_database_is_gone(configs):
    from dataclasses import replace

    from services import registry

    cfg = replace(configs["catalog"], database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = registry.create_app("catalog", cfg)
    resp = app.test_client().get("/catalog/readyz")
    assert_problem(resp, 503, "unavailable")
    assert resp.get_json()["checks"]["database"].startswith("error")


def test_chinese_comes_back_unescaped(client, admin):
    resp = client.post("/catalog/unions", {"name": "苏州市总工会", "district": "gusu"}, token=admin)
    assert "苏州市总工会" in resp.get_data(as_text=True)
