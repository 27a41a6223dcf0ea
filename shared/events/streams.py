"""Redis connections: a real server when REDIS_URL is set, else one shared fakeredis."""
from __future__ import annotations

import threading

import redis

_fake_server = None
_fake_lock = threading.Lock()


def fake_server():
    """The one in-process Redis stand-in every app and thread of this process shares."""
    global _fake_server
    with _fake_lock:
        if _fake_server is None:
            import fakeredis

            _fake_server = fakeredis.FakeServer()
        return _fake_server


def connect_redis(url: str | None) -> redis.Redis:
    if url:
        return redis.Redis.from_url(url, decode_responses=True, socket_timeout=10,
                                    socket_connect_timeout=3, health_check_interval=30)
    import fakeredis

    return fakeredis.FakeRedis(server=fake_server(), decode_responses=True)


def is_fake(client) -> bool:
    return type(client).__module__.startswith("fakeredis")


def redis_for(app):
    """A Flask app's Redis client (create_service_app leaves the slot empty), connected on first use."""
    client = app.extensions.get("unionhub.redis")
    if client is None:
        client = connect_redis(app.config["UNIONHUB"].redis_url)
        app.extensions["unionhub.redis"] = client
    return client
