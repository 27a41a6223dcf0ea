"""The OpenAPI documents say what the servers do: security, errors, bodies, ids; docs served locally."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.fields import ID_PATTERN

SERVICES = ("catalog", "matching", "booking", "notify")
PUBLIC = {("get", "/catalog/offers"), ("get", "/catalog/offers/{offer_id}"), ("get", "/booking/sessions/{session_id}"),
          ("get", "/booking/sessions/{session_id}/draw")}
METHODS = ("get", "put", "post", "patch", "delete")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"


@pytest.fixture(scope="module")
def documents(client):
    return {svc: client.get(f"/{svc}/openapi.json").get_json() for svc in SERVICES}


def operations(documents):
    for svc, doc in documents.items():
        for path, item in doc["paths"].items():
            for method in METHODS:
                if method in item:
                    yield svc, path, method, item[method]


def _resolve(doc, obj):
    while "$ref" in obj:
        *_, kind, name = obj["$ref"].split("/")
        obj = doc["components"][kind][name]
    return obj


def test_every_operation_that_takes_a_token_declares_the_bearer_security(documents, client):
    seen = 0
    for svc, path, method, op in operations(documents):
        url = re.sub(r"{[^}]+}", "x1", path)
        media = next(iter(op.get("requestBody", {}).get("content", {"application/json": None})))
        if method == "get":
            resp = client.get(url)
        elif media == "application/json":
            resp = client.open(method.upper(), url, json_body={})
        else:
            resp = client.open(method.upper(), url, data=b"", content_type=media)
        if (method, path) in PUBLIC:
            assert op.get("security") == [{}, {"bearer": []}] or "security" not in op, (method, path)
            assert resp.status_code != 401, (method, path)
        else:
            assert op.get("security") == [{"bearer": []}], (method, path)
            assert resp.status_code == 401, (method, path, resp.status_code)
            assert {"401", "403"} <= set(op["responses"]), (method, path)
        seen += 1
    assert seen >= 25


def test_every_error_is_documented_as_problem_json(documents):
    for svc, path, method, op in operations(documents):
        doc = documents[svc]
        errors = {code: r for code, r in op["responses"].items() if code == "default" or int(code) >= 400}
        assert "default" in errors, (method, path)
        if "application/json" in op.get("requestBody", {}).get("content", {}) or op.get("parameters"):
            assert "422" in errors, (method, path)
        for code, response in errors.items():
            content = _resolve(doc, response)["content"]
            assert list(content) == ["application/problem+json"], (method, path, code)
            problem = _resolve(doc, content["application/problem+json"]["schema"])
            assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_the_csv_import_and_the_idempotency_key_are_documented(documents):
    body = documents["matching"]["paths"]["/matching/needs/import"]["post"]["requestBody"]
    assert body["required"] is True and list(body["content"]) == [
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    params = documents["booking"]["paths"]["/booking/bookings"]["post"]["parameters"]
    key = next(p for p in params if p["name"] == "Idempotency-Key")
    assert key["in"] == "header" and key["required"] is False and key["schema"]["maxLength"] == 200
    assert "409" in documents["booking"]["paths"]["/booking/bookings"]["post"]["responses"]


def test_the_spec_is_as_strict_as_the_server(documents):
    schemas = documents["catalog"]["components"]["schemas"]
    for name in ("OfferCreate", "Offer"):
        limit = schemas[name]["properties"]["per_worker_limit"]
        assert limit["allOf"] == [{"$ref": "#/components/schemas/Limit"}] and limit["nullable"] is True
        assert "anyOf" not in limit
    assert schemas["Limit"]["required"] == ["count", "period_days"]
    assert "starts_at" in schemas["Session"]["properties"]["ends_at"]["description"]
    assert schemas["Session"]["properties"]["capacity"] == {"type": "integer", "minimum": 1, "maximum": 100000}
    assert schemas["OfferCreate"]["properties"]["title"]["pattern"] == r"\S"
    assert set(schemas["Offer"]["required"]) == set(schemas["Offer"]["properties"])  # answers carry every field
    booking = documents["booking"]["components"]["schemas"]["Booking"]
    assert set(booking["required"]) == set(booking["properties"])
    for svc, path, method, op in operations(documents):
        for param in documents[svc]["paths"][path].get("parameters", []):
            assert param["schema"] == {"type": "string", "minLength": 1, "maxLength": 64, "pattern": ID_PATTERN}
    for svc, doc in documents.items():
        for name, schema in doc["components"]["schemas"].items():
            for field, prop in schema.get("properties", {}).items():
                if (field == "id" or field.endswith("_id")) and name.endswith(("Create", "Query", "Patch")):
                    assert prop.get("pattern") == ID_PATTERN, (svc, name, field)


@pytest.mark.parametrize("svc", SERVICES)
def test_swagger_ui_is_served_from_the_service_itself(client, svc):
    page = client.get(f"/{svc}/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(https?:)?//[a-z0-9]", html, re.I), "the docs page must not load from another host"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert {a.rsplit("/", 1)[1] for a in assets} == {"swagger-ui.css", "swagger-ui-bundle.js",
                                                       "swagger-ui-standalone-preset.js"}
    for asset in assets:
        assert asset.startswith(f"/{svc}/docs/")
        resp = client.get(asset)
        assert resp.status_code == 200, asset
        assert len(resp.get_data()) > 1000
    assert client.get(f"/{svc}/docs/assets/../../openapi.json").status_code == 404


def test_docs_api_md_lists_every_path_of_every_service(documents):
    text = DOCS.read_text(encoding="utf-8")
    for svc, path, method, op in operations(documents):
        written = re.escape(method.upper() + " " + path)
        written = re.sub(r"\\{[^}]+\\}", "<[a-z_]+>", written)
        assert re.search(written + r"(?![\w/<-])", text), f"docs/api.md does not list {method.upper()} {path}"
