"""Two staff acting on one need at once: the database lets one win (conditional UPDATE), the other gets 409.

Real threads, each with its own client and database connection (PostgreSQL in CI; SQLite
serialises them and must hold the same invariant)."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from services.matching import needlife
from services.matching.models import NeedHistory
from shared.auth import Principal
from shared.errors import Conflict
from tests.booking.test_concurrency import run_at_once
from tests.helpers import PG_URL
from tests.matching.loop_world import assign, build, due, need_of, ok


@pytest.fixture
def w(client, admin, token, pump):
    return build(client, admin, token, pump)


def _steps(dbs, need_id, action):
    with dbs["matching"].transaction() as s:
        return s.scalar(select(func.count()).select_from(NeedHistory)
                        .where(NeedHistory.need_id == need_id, NeedHistory.action == action))


def test_of_eight_staff_resolving_at_once_one_wins(client, w, apps, dbs):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
    outcomes = ["got_help", "no_capacity", "referred", "could_not_contact"] * 2
    calls = [lambda c, o=o: c.post(f"/matching/needs/{need['id']}/resolve",
                                   {"outcome": o, **({"referred_to": "某局"} if o == "referred" else {})},
                                   token=w.staff["city" if i % 2 else "sip"]) for i, o in enumerate(outcomes)]
    codes = sorted(r.status_code for r in run_at_once(apps, calls))
    assert codes == [200] + [409] * 7
    assert _steps(dbs, need["id"], "resolve") == 1


def test_of_staff_assigning_an_open_need_at_once_one_wins_or_the_later_passes_it_on(client, w, apps, dbs):
    need = need_of(client, w.w1)
    calls = [lambda c, u=u: assign(c, w.staff["city"], need["id"], w.u[u]) for u in ("sip", "ent", "sip", "ent")]
    codes = [r.status_code for r in run_at_once(apps, calls)]
    assert set(codes) <= {200, 409} and 200 in codes
    assert _steps(dbs, need["id"], "assign") == codes.count(200)  # a 409 leaves no trace


@pytest.mark.skipif(not PG_URL, reason="two transactions that both read before either writes: PostgreSQL")
def test_when_both_read_before_either_writes_the_conditional_update_decides(client, w, dbs, monkeypatch):
    """Both load the need as open (a barrier after loading), then both try open -> assigned: one UPDATE matches."""
    need = need_of(client, w.w1)
    barrier = threading.Barrier(2, timeout=30)
    real_load = needlife.load

    def load_then_wait(session, principal, need_id):
        got = real_load(session, principal, need_id)
        barrier.wait()
        return got

    monkeypatch.setattr(needlife, "load", load_then_wait)
    results = []

    def staff(union_key):
        principal = Principal(sub=f"s-{union_key}", role="staff", union_id=w.u["city"])
        try:
            with dbs["matching"].transaction() as s:
                needlife.assign(s, principal, need["id"], {"union_id": w.u[union_key],
                                                           "due_date": date.fromisoformat(due())})
            results.append("won")
        except Conflict as exc:
            results.append(exc.slug)

    threads = [threading.Thread(target=staff, args=(k,)) for k in ("sip", "ent")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["invalid-state", "won"]
    assert _steps(dbs, need["id"], "assign") == 1
