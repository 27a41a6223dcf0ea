"""Every operation of every service's OpenAPI, fuzzed by schemathesis through the WSGI app.

Cases come from each document (examples, the coverage phase's edge cases, then
fuzzing, valid and invalid inputs), sent with an admin's and a worker's bearer
token to the apps of the `apps` fixture. The checks: no 5xx, and every answer's
status, Content-Type and body are the ones the document declares.
Deterministic: a fixed seed, derandomized Hypothesis, no example database.
On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

(schemathesis.pytest.from_fixture does not run under pytest 9, so each document
is read here from an app of its own, and every case is sent to the fixture's app.)
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from services import registry
from services.booking import views as booking_views
from shared.auth import issue_token
from shared.config import ServiceConfig
from tests.helpers import SECRET
from tests.factories import make_offer, make_profile, union_tree

SEED = 20261125
MAX_EXAMPLES = 40  # per operation and role, in the fuzzing phase
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SERVICES = ("catalog", "matching", "booking", "notify")
WORKER_ID = "w-fuzz"
TOKENS = {"admin": issue_token(SECRET, "admin-fuzz", "admin", ttl=timedelta(days=1)),
          "worker": issue_token(SECRET, WORKER_ID, "worker", ttl=timedelta(days=1))}


def _document(svc: str) -> dict:
    config = ServiceConfig(name=svc, database_url="sqlite://", redis_url=None, jwt_secret=SECRET, stream_prefix="doc")
    return registry.create_app(svc, config).test_client().get(f"/{svc}/openapi.json").get_json()


def _config(role: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "suppress-health-check": ["all"],  # incl. the function-scoped `seeded`: state is meant to build up
        "headers": {"Authorization": f"Bearer {TOKENS[role]}"},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    })


@pytest.fixture
def no_rate_limit(monkeypatch):
    """Sign-up limits count per wall-clock minute: lifted here, so every run takes the same paths."""
    for role in booking_views.SIGN_UPS_PER_MINUTE:
        monkeypatch.setitem(booking_views.SIGN_UPS_PER_MINUTE, role, 10**9)


@pytest.fixture
def seeded(client, admin):
    """A little data for the cases to meet: unions, a published offer, the worker's profile."""
    unions = union_tree(client, admin)
    make_offer(client, admin, unions["sip"]["id"])
    make_profile(client, admin, WORKER_ID)


def _fuzz_test(svc: str, role: str):
    schema = schemathesis.openapi.from_dict(_document(svc), config=_config(role))

    @schema.parametrize()
    def test(case, apps, seeded, no_rate_limit):
        case.call_and_validate(app=apps[svc], checks=CHECKS)

    test.__name__ = f"test_{svc}_openapi_as_{role}"
    return test


for _svc in SERVICES:
    for _role in TOKENS:
        _test = _fuzz_test(_svc, _role)
        globals()[_test.__name__] = _test
