"""Past the due date a need or a problem item moves one union up, once, whoever runs the timer and when."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from services import registry
from services.matching import escalation
from services.matching.models import Need, NeedHistory, ProblemItem
from shared.db import Database
from shared.timeutil import utcnow
from tests.factories import make_profile
from tests.matching.loop_world import assign, build, due, events_of, history, need_of, ok


@pytest.fixture
def w(client, admin, token, pump):
    return build(client, admin, token, pump)


def _later(days: float):
    return utcnow() + timedelta(days=days)


def test_an_assigned_need_climbs_street_district_city_once_a_step(client, admin, w, dbs):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["ent"], days=2, assignee="s-ent"))
    db = dbs["matching"]
    assert escalation.run(db, now=_later(2)) == 0  # the due date's last day: not yet
    assert escalation.run(db, now=_later(3.01)) == 1
    got = ok(client.get(f"/matching/needs/{need['id']}", token=admin))
    assert (got["status"], got["assigned_union_id"], got["assignee"]) == ("assigned", w.u["sip"], None)
    assert escalation.run(db, now=_later(3.01)) == 0  # once
    last = history(client, admin, need["id"])[-1]
    assert (last["action"], last["by"], last["from"], last["to"], last["union_id"]) == (
        "escalate", None, "assigned", "assigned", w.u["sip"])
    assert last["details"]["from_union_id"] == w.u["ent"]
    assert events_of(dbs, "need.escalated") == [{"need_id": need["id"], "worker_id": "w-1",
                                                 "from_union_id": w.u["ent"], "union_id": w.u["sip"],
                                                 "category": "wages_benefits"}]
    ok(client.post(f"/matching/needs/{need['id']}/respond", {"text": "区总跟进中"}, token=w.staff["sip"]))
    assert escalation.run(db, now=_later(12)) == 1  # a response does not stop the clock; resolving does
    assert ok(client.get(f"/matching/needs/{need['id']}", token=admin))["assigned_union_id"] == w.u["city"]
    assert escalation.run(db, now=_later(60)) == 0  # nobody above the city federation
    assert [h["action"] for h in history(client, admin, need["id"])].count("escalate") == 2


def test_resolved_and_withdrawn_needs_do_not_escalate(client, w, dbs):
    a, b = need_of(client, w.w1), need_of(client, w.w1, "加班多")
    for need in (a, b):
        ok(assign(client, w.staff["sip"], need["id"], w.u["ent"], days=1))
    ok(client.post(f"/matching/needs/{a['id']}/resolve", {"outcome": "got_help"}, token=w.staff["sip"]))
    ok(client.post(f"/matching/needs/{b['id']}/withdraw", token=w.w1))
    assert escalation.run(dbs["matching"], now=_later(30)) == 0


def test_a_problem_item_escalates_and_stops_when_nothing_is_left(client, admin, w, dbs):
    make_profile(client, admin, "w-3", district="sip", worker_category="courier")
    need = need_of(client, admin, "工资低", worker_id="w-3")
    ok(client.post("/matching/problems/wages_benefits.sip.courier/assign",
                   {"union_id": w.u["ent"], "due_date": due(1), "assign_needs": False}, token=w.staff["sip"]))
    assert escalation.run(dbs["matching"], now=_later(2.5)) == 1
    item = ok(client.get("/matching/problems/wages_benefits.sip.courier", token=admin))
    assert (item["union_id"], item["assignee"]) == (w.u["sip"], None)
    assert [h["action"] for h in ok(client.get("/matching/problems/wages_benefits.sip.courier/history",
                                               token=admin))["items"]] == ["take", "escalate"]
    assert events_of(dbs, "problem.escalated")[0]["union_id"] == w.u["sip"]
    with dbs["matching"].transaction() as s:  # the group's last need is done: the item's timer stops
        s.execute(update(Need).where(Need.id == need["id"]).values(status="resolved"))
    assert escalation.run(dbs["matching"], now=_later(30)) == 1
    with dbs["matching"].transaction() as s:
        kept = s.get(ProblemItem, "wages_benefits.sip.courier")
        assert kept.union_id == w.u["sip"] and kept.escalate_at is None


def _overdue_needs(db, union_id, n):
    ids = [f"need_esc{i:04d}" for i in range(n)]
    now = utcnow()
    with db.transaction() as s:
        s.execute(insert(Need), [{"id": i, "worker_id": "w-1", "text": "工资", "category": "wages_benefits",
                                  "category_source": "given", "status": "assigned", "source": "online",
                                  "created_at": now, "assigned_union_id": union_id, "due_date": now.date(),
                                  "escalate_at": now - timedelta(minutes=5), "version": 1} for i in ids])
    return ids


def _escalations(db):
    with db.transaction() as s:
        return dict(s.execute(select(NeedHistory.need_id, func.count()).where(NeedHistory.action == "escalate")
                              .group_by(NeedHistory.need_id)).all())


def test_two_workers_escalate_each_need_once(w, dbs, configs):
    ids = _overdue_needs(dbs["matching"], w.u["ent"], 1200)
    databases = [Database(configs["matching"].database_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    moved = [0, 0]

    def worker(i):
        barrier.wait()
        moved[i] = escalation.run(databases[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for db in databases:
        db.dispose()
    assert sum(moved) == len(ids)
    assert _escalations(dbs["matching"]) == {i: 1 for i in ids}
    with dbs["matching"].transaction() as s:
        assert set(s.scalars(select(Need.assigned_union_id).where(Need.id.in_(ids)))) == {w.u["sip"]}
    assert len(events_of(dbs, "need.escalated")) == len(ids)


def test_a_restarted_worker_finds_what_fell_due_while_it_was_down(w, dbs, configs, redis_client):
    ids = _overdue_needs(dbs["matching"], w.u["ent"], 3)
    runners = registry.build_runners("matching", configs["matching"], db=dbs["matching"], redis=redis_client)
    poller = next(r for r in runners if getattr(r, "name", "") == "matching-escalation")
    assert poller.run_once() == 3
    fresh = registry.build_runners("matching", configs["matching"], db=dbs["matching"], redis=redis_client)
    assert next(r for r in fresh if getattr(r, "name", "") == "matching-escalation").run_once() == 0
    assert _escalations(dbs["matching"]) == {i: 1 for i in ids}
