"""Old counters and dead codes are deleted: nothing grows without end."""
from datetime import timedelta

from sqlalchemy import select

from services.accounts import throttle
from services.accounts.models import Code, Throttle


def keys(acc):
    with acc.db.transaction() as session:
        return set(session.scalars(select(Throttle.key))), set(session.scalars(select(Code.phone_e164)))


def test_purge_keeps_what_still_counts(client, acc, clock, monkeypatch):
    monkeypatch.setattr(throttle, "purge_now_and_then", lambda db, now: None)
    client.post("/accounts/sessions/password", {"username": "old", "password": "wrong wrong"})
    client.post("/accounts/codes", {"phone": "13800000001"})
    clock.advance(days=1, minutes=6)
    client.post("/accounts/sessions/password", {"username": "new", "password": "wrong wrong"})
    client.post("/accounts/codes", {"phone": "13800000002"})
    with acc.db.transaction() as session:
        session.add(Throttle(key="pw-user:locked-long", window_start=clock() - timedelta(days=3), count=9,
                             locked_until=clock() + timedelta(days=2)))
    throttles, codes = keys(acc)
    assert "pw-user:old" in throttles and codes == {"+8613800000001", "+8613800000002"}
    # the old username's counter, the old number's counter and its code (the address counters started again)
    assert throttle.purge(acc.db, clock()) == 3
    throttles, codes = keys(acc)
    assert "pw-user:old" not in throttles and {"pw-user:new", "pw-user:locked-long"} <= throttles
    assert codes == {"+8613800000002"}


def test_sign_in_paths_purge_now_and_then(client, acc, clock):
    throttle._last_purge.clear()
    client.post("/accounts/sessions/password", {"username": "old", "password": "wrong wrong"})
    clock.advance(days=2)
    client.post("/accounts/codes", {"phone": "13800000002"})  # purges (first time this process, for this clock)
    assert "pw-user:old" not in keys(acc)[0]
