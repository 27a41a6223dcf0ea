"""What tests import (fixtures live in conftest.py): the settings of the test run and assert_problem."""
from __future__ import annotations

import os

SECRET = "test-secret-0123456789abcdef-0123456789"
PG_URL = os.environ.get("TEST_DATABASE_URL")  # set: the suite runs on PostgreSQL, else SQLite
REDIS_URL = os.environ.get("TEST_REDIS_URL")  # set: on Redis, else fakeredis


def assert_problem(resp, status: int, slug: str | None = None):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json", resp.mimetype
    body = resp.get_json(force=True)
    assert body["status"] == status
    if slug:
        assert body["type"] == slug, body
    assert body["title"] and body["detail"]
    return body
