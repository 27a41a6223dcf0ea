"""A small world for the loop's tests: the union tree, two workers, staff of each union, a need."""
from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from services.matching.models import outbox
from shared.timeutil import local_today
from tests.factories import make_need, make_profile, union_tree


def due(days: int = 7) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


def build(client, admin, token, pump) -> SimpleNamespace:
    """city -> sip -> ent, city -> gusu; w-1 lives in sip (no union), w-2 in gusu."""
    tree = union_tree(client, admin)
    pump()  # catalog's union events: matching's tree
    u = {k: v["id"] for k, v in tree.items()}
    make_profile(client, admin, "w-1", district="sip")
    make_profile(client, admin, "w-2", district="gusu")
    staff = {k: token("staff", f"s-{k}", union=u[k]) for k in u}
    return SimpleNamespace(u=u, staff=staff, w1=token("worker", "w-1"), w2=token("worker", "w-2"))


def need_of(client, tok, text="工资被拖欠三个月了", worker_id="w-1", category="wages_benefits") -> dict:
    return make_need(client, tok, worker_id, text, category=category)


def assign(client, tok, need_id, union_id, days=7, **extra):
    return client.post(f"/matching/needs/{need_id}/assign", {"union_id": union_id, "due_date": due(days), **extra},
                       token=tok)


def ok(resp, status=200) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def history(client, tok, need_id) -> list[dict]:
    return ok(client.get(f"/matching/needs/{need_id}/history", token=tok))["items"]


def events_of(dbs, event_type: str) -> list[dict]:
    """The payloads matching wrote to its outbox for one event type, oldest first."""
    with dbs["matching"].transaction() as s:
        rows = s.execute(select(outbox.c.payload).where(outbox.c.type == event_type).order_by(outbox.c.seq)).all()
    return [json.loads(r.payload) for r in rows]
