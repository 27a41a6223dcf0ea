"""Outbox, relay and consumer groups: nothing before commit, redelivery after a crash, each id once."""
from datetime import timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

import shared.events.relay as relay_module
from shared.events import Envelope, inbox_table, outbox_table, record_event
from shared.events.consumer import Consumer
from shared.events.relay import Relay
from shared.timeutil import utcnow

meta = MetaData()
outbox = outbox_table(meta, "evtest")
inbox = inbox_table(meta, "evtestc")
applied = Table("evtest_applied", meta, Column("n", Integer, primary_key=True, autoincrement=True),
                Column("event_id", String(40)), Column("value", String(40)))


@pytest.fixture
def evdb(dbs):
    db = dbs["catalog"]
    meta.drop_all(db.engine)
    meta.create_all(db.engine)
    yield db
    meta.drop_all(db.engine)


@pytest.fixture
def stream(configs):
    return f"{configs['catalog'].stream_prefix}:evtest:events"


def apply_item(session, env):
    session.execute(insert(applied).values(event_id=env.id, value=env.data["value"]))


def count_applied(db):
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(applied))


def consumer(db, redis, stream, handler=apply_item, **kw):
    return Consumer(db, redis, "evtest-group", inbox, {stream: {"thing.happened": handler}}, **kw)


def test_nothing_is_published_when_the_transaction_rolls_back(evdb, redis_client, stream):
    with pytest.raises(RuntimeError):
        with evdb.transaction() as s:
            record_event(s, outbox, "thing.happened", {"value": "a"})
            raise RuntimeError("the request failed")
    assert Relay(evdb, redis_client, outbox, stream).run_once() == 0
    assert redis_client.xlen(stream) == 0


def test_committed_events_reach_the_stream_in_order(evdb, redis_client, stream):
    with evdb.transaction() as s:
        for value in ("a", "b", "c"):
            record_event(s, outbox, "thing.happened", {"value": value})
    assert redis_client.xlen(stream) == 0  # not before the relay runs
    assert Relay(evdb, redis_client, outbox, stream).run_once() == 3
    assert Relay(evdb, redis_client, outbox, stream).run_once() == 0  # each row goes out once
    entries = redis_client.xrange(stream)
    envs = [Envelope.from_fields(f) for _, f in entries]
    assert [e.data["value"] for e in envs] == ["a", "b", "c"]
    assert all(e.type == "thing.happened" and e.source == "evtest" and e.occurred_at for e in envs)


def test_consumer_applies_and_acknowledges(evdb, redis_client, stream):
    with evdb.transaction() as s:
        record_event(s, outbox, "thing.happened", {"value": "a"})
    Relay(evdb, redis_client, outbox, stream).run_once()
    c = consumer(evdb, redis_client, stream)
    assert c.run_once(block_ms=0) == 1
    assert count_applied(evdb) == 1
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0


def test_event_left_by_a_dead_consumer_is_delivered_again(evdb, redis_client, stream):
    with evdb.transaction() as s:
        record_event(s, outbox, "thing.happened", {"value": "a"})
    Relay(evdb, redis_client, outbox, stream).run_once()

    def dies(session, env):
        apply_item(session, env)
        raise SystemExit("killed mid-event")  # not an Exception: nothing catches it

    with pytest.raises(SystemExit):
        consumer(evdb, redis_client, stream, dies, name="doomed").run_once(block_ms=0)
    assert count_applied(evdb) == 0  # its transaction never committed
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 1

    survivor = consumer(evdb, redis_client, stream, name="survivor", claim_idle_ms=0)
    assert survivor.run_once(block_ms=0) == 1
    assert count_applied(evdb) == 1
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0


def test_duplicate_delivery_is_applied_once(evdb, redis_client, stream):
    env = Envelope(type="thing.happened", data={"value": "a"}, source="evtest")
    redis_client.xadd(stream, env.to_fields())
    redis_client.xadd(stream, env.to_fields())  # e.g. the relay crashed after XADD, before marking
    c = consumer(evdb, redis_client, stream)
    c.run_once(block_ms=0)
    c.run_once(block_ms=0)
    assert count_applied(evdb) == 1
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0


def test_failing_handler_is_retried_then_dead_lettered(evdb, redis_client, stream):
    calls = []

    def broken(session, env):
        calls.append(env.id)
        raise ValueError("bad data")

    redis_client.xadd(stream, Envelope(type="thing.happened", data={"value": "x"}, source="evtest").to_fields())
    c = consumer(evdb, redis_client, stream, broken, claim_idle_ms=0, max_attempts=3)
    for _ in range(4):
        c.run_once(block_ms=0)
    assert len(calls) == 3
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0
    assert redis_client.xlen(f"{stream}:dead:evtest-group") == 1


def test_events_of_unknown_types_are_acknowledged_and_ignored(evdb, redis_client, stream):
    redis_client.xadd(stream, Envelope(type="other.thing", data={}, source="evtest").to_fields())
    c = consumer(evdb, redis_client, stream)
    assert c.run_once(block_ms=0) == 0
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0


def test_a_batch_commits_once_and_one_bad_event_does_not_hold_up_the_rest(evdb, redis_client, stream):
    with evdb.transaction() as s:
        for value in ("a", "bad", "c"):
            record_event(s, outbox, "thing.happened", {"value": value})
    Relay(evdb, redis_client, outbox, stream).run_once()

    def picky(session, env):
        if env.data["value"] == "bad":
            raise ValueError("bad data")
        apply_item(session, env)

    c = consumer(evdb, redis_client, stream, picky, claim_idle_ms=0, max_attempts=2)
    assert c.run_once(block_ms=0) == 2  # the batch failed as a whole, then each went alone
    with evdb.transaction() as s:
        assert sorted(s.scalars(select(applied.c.value))) == ["a", "c"]
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 1  # the bad one, for a retry
    c.run_once(block_ms=0)
    assert redis_client.xpending(stream, "evtest-group")["pending"] == 0
    assert redis_client.xlen(f"{stream}:dead:evtest-group") == 1
    assert count_applied(evdb) == 2


def test_autocommit_connection_commits_each_statement_by_itself(evdb):
    with evdb.autocommit() as conn:
        conn.execute(insert(applied).values(event_id="e1", value="now"))
        # Seen from another connection before this one is handed back: nothing waits for a COMMIT.
        assert count_applied(evdb) == 1
    assert count_applied(evdb) == 1


def test_published_rows_are_pruned_after_a_while_and_unpublished_ones_never(evdb, redis_client, stream):
    with evdb.transaction() as s:
        for value in ("old", "recent"):
            record_event(s, outbox, "thing.happened", {"value": value})
    relay = Relay(evdb, redis_client, outbox, stream)
    assert relay.run_once() == 2
    with evdb.transaction() as s:
        s.execute(update(outbox).where(outbox.c.payload.contains("old"))
                  .values(published_at=utcnow() - timedelta(days=8)))
        record_event(s, outbox, "thing.happened", {"value": "waiting"})
    assert relay.prune(timedelta(days=7)) == 1
    with evdb.transaction() as s:
        left = sorted(s.scalars(select(outbox.c.payload)))
    assert [p for p in left if "old" in p] == [] and len(left) == 2
    assert relay.run_once() == 1  # the unpublished row still goes out


def test_the_stream_is_capped(evdb, redis_client, stream, monkeypatch):
    monkeypatch.setattr(relay_module, "STREAM_MAX_LENGTH", 10)
    with evdb.transaction() as s:
        for i in range(1000):
            record_event(s, outbox, "thing.happened", {"value": str(i)})
    relay = Relay(evdb, redis_client, outbox, stream, batch=100)
    while relay.run_once():
        pass
    assert redis_client.xlen(stream) < 1000  # approximate trimming: whole nodes go, the newest stay
    last = Envelope.from_fields(redis_client.xrevrange(stream, count=1)[0][1])
    assert last.data["value"] == "999"
