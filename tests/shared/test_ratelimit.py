"""A per-caller limit on every authenticated request; Redis only admits, it never blocks by failing."""
import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from shared import ratelimit
from tests.helpers import assert_problem


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(ratelimit, "PER_CALLER", {"worker": 3, "staff": 5, "admin": 5})
    monkeypatch.setattr(ratelimit, "_skip_until", 0.0)


def test_every_authenticated_endpoint_counts_against_the_callers_limit(client, token, low_limits):
    tok = token("worker", "w-rl")
    paths = ["/booking/bookings", "/catalog/offers", "/matching/recommendations", "/booking/bookings/none"]
    statuses = [client.get(p, token=tok).status_code for p in paths[:3]]
    assert 429 not in statuses and all(s < 500 for s in statuses)
    resp = client.get(paths[3], token=tok)
    assert_problem(resp, 429, "rate-limited")
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    # another caller has a limit of its own; anonymous public reads are not counted
    assert client.get("/booking/bookings", token=token("worker", "w-other")).status_code == 200
    assert client.get("/catalog/offers").status_code == 200


def test_limits_are_per_role(client, token, low_limits):
    staff = token("staff", "s-rl", union="u-x")
    assert [client.get("/catalog/offers", token=staff).status_code for _ in range(5)] == [200] * 5
    assert_problem(client.get("/catalog/offers", token=staff), 429, "rate-limited")


def test_a_bad_token_is_not_counted_and_still_401(client, low_limits):
    for _ in range(5):
        assert_problem(client.get("/booking/bookings", token="not-a-jwt"), 401, "unauthorized")
    assert client.get("/catalog/offers", token="not-a-jwt").status_code in (200, 401)


class _DeadRedis:
    def __init__(self, error):
        self.error = error

    def pipeline(self, **_kw):
        raise self.error


@pytest.mark.parametrize("error", [RedisConnectionError("Connection refused"),
                                   ValueError("I/O operation on closed file.")])  # redis-py after a timed-out read
def test_when_redis_fails_requests_pass_and_the_failure_is_logged(client, token, apps, low_limits, monkeypatch,
                                                                 caplog, error):
    for app in apps.values():
        monkeypatch.setitem(app.extensions, "unionhub.redis", _DeadRedis(error))
    tok = token("worker", "w-dead")
    with caplog.at_level(logging.WARNING, logger="unionhub.ratelimit"):
        statuses = [client.get("/booking/bookings", token=tok).status_code for _ in range(6)]
    assert statuses == [200] * 6
    assert any("rate limit not checked" in r.getMessage() for r in caplog.records)
    # it stops asking a dead Redis for a few seconds instead of waiting on it for every request
    assert len([r for r in caplog.records if "rate limit not checked" in r.getMessage()]) == 1
