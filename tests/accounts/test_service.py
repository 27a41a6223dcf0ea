"""The accounts service is built like the others: health, readiness, OpenAPI, problem+json on every path."""
from tests.helpers import assert_problem


def test_health_readiness_and_docs(client):
    assert client.get("/accounts/healthz").get_json() == {"status": "ok"}
    assert client.get("/accounts/readyz").get_json()["status"] == "ok"
    spec = client.get("/accounts/openapi.json").get_json()
    assert {"/accounts/sessions/password", "/accounts/codes", "/accounts/sessions/code", "/accounts/sessions/refresh",
            "/accounts/password", "/accounts/users", "/accounts/users/{user_id}", "/accounts/demo"} <= set(spec["paths"])
    assert client.get("/accounts/docs").status_code == 200


def test_http_errors_are_problems(client, acc):
    assert_problem(client.get("/accounts/nowhere"), 404, "not-found")
    assert_problem(client.get("/accounts/sessions/password"), 405, "method-not-allowed")
    assert_problem(client.post("/accounts/codes", data="phone=1", content_type="application/x-www-form-urlencoded"),
                   415, "unsupported-media-type")
    assert_problem(client.post("/accounts/codes", data="{", content_type="application/json"), 400, "bad-request")
    assert_problem(client.post("/accounts/codes", data="[]", content_type="application/json"), 400, "bad-request")
