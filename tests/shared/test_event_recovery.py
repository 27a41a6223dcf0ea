"""Redis losing a stream (restart without its data, failover, FLUSHALL): consumers and relays heal."""
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from shared.events import Envelope, record_event
from shared.events.relay import Relay
from shared.timeutil import utcnow
from tests.shared.test_events import applied, apply_item, consumer, count_applied, evdb, outbox, stream  # noqa: F401


def publish(db, redis, stream, *values, relay=None):
    with db.transaction() as s:
        for value in values:
            record_event(s, outbox, "thing.happened", {"value": value})
    relay = relay or Relay(db, redis, outbox, stream, check_every=0)
    while relay.run_once():
        pass
    return relay


def values_in(redis, stream):
    return [Envelope.from_fields(f).data["value"] for _, f in redis.xrange(stream)]


def test_a_consumer_makes_its_group_again_when_the_stream_is_lost(evdb, redis_client, stream):
    relay = publish(evdb, redis_client, stream, "a")
    c = consumer(evdb, redis_client, stream)
    assert c.run_once(block_ms=0) == 1
    redis_client.delete(stream)  # what FLUSHALL or a restart without persistence does to it
    publish(evdb, redis_client, stream, "b", relay=relay)
    c.run_once(block_ms=0)  # used to raise NOGROUP, and again on every later try
    c.run_once(block_ms=0)
    with evdb.transaction() as s:
        assert sorted(s.scalars(select(applied.c.value))) == ["a", "b"]  # each once
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0


def test_the_relay_publishes_again_what_a_lost_stream_held(evdb, redis_client, stream):
    relay = publish(evdb, redis_client, stream, "a", "b")
    redis_client.delete(stream)
    assert relay.run_once() == 2  # noticed while idle
    assert values_in(redis_client, stream) == ["a", "b"]
    assert relay.run_once() == 0  # once is enough


def test_the_relay_notices_the_loss_before_it_publishes_more(evdb, redis_client, stream):
    relay = publish(evdb, redis_client, stream, "a", "b")
    redis_client.delete(stream)
    publish(evdb, redis_client, stream, "c", relay=relay)
    assert values_in(redis_client, stream) == ["a", "b", "c"]  # in order


def test_a_stream_restored_from_an_older_snapshot_gets_its_tail_again(evdb, redis_client, stream):
    relay = publish(evdb, redis_client, stream, "a")
    with evdb.transaction() as s:  # "b" went out well after the snapshot
        s.execute(update(outbox).values(published_at=utcnow() - timedelta(minutes=5)))
    snapshot = redis_client.xrange(stream)
    publish(evdb, redis_client, stream, "b", relay=relay)
    redis_client.delete(stream)
    for entry_id, fields in snapshot:
        redis_client.xadd(stream, fields, id=entry_id)
    c = consumer(evdb, redis_client, stream)
    assert relay.run_once() == 1
    assert values_in(redis_client, stream) == ["a", "b"]
    c.run_once(block_ms=0)
    assert count_applied(evdb) == 2


def test_a_relay_started_after_the_loss_finds_it_from_the_outbox(evdb, redis_client, stream):
    publish(evdb, redis_client, stream, "a", "b")
    redis_client.delete(stream)
    fresh = Relay(evdb, redis_client, outbox, stream, check_every=0)  # e.g. the worker restarted with Redis
    assert fresh.run_once() == 2
    assert values_in(redis_client, stream) == ["a", "b"]


def test_no_loss_means_nothing_goes_out_twice(evdb, redis_client, stream):
    publish(evdb, redis_client, stream, "a", "b")
    fresh = Relay(evdb, redis_client, outbox, stream, check_every=0)
    assert fresh.run_once() == 0
    publish(evdb, redis_client, stream, "c", relay=fresh)
    assert values_in(redis_client, stream) == ["a", "b", "c"]


def test_a_database_outage_is_waited_out_and_never_dead_letters(evdb, redis_client, stream):
    publish(evdb, redis_client, stream, "a", "b")
    down = {"left": 6}

    def flaky(session, env):
        if down["left"]:
            down["left"] -= 1
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        apply_item(session, env)

    c = consumer(evdb, redis_client, stream, flaky, max_attempts=3)  # entries are reclaimed only after 30 s
    for _ in range(10):
        try:
            c.run_once(block_ms=0)
        except OperationalError:
            c._own_pending = True  # what run_forever does after a failure, before it waits a second
    assert count_applied(evdb) == 2  # at the next turns, not 30 s later
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0
    assert redis_client.xlen(f"{stream}:dead:evtest-group") == 0
