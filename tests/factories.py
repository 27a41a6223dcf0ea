"""Builders for test data, through the public API."""
from __future__ import annotations

from datetime import timedelta

from shared.timeutil import to_local, utcnow


def iso(days: float = 0, hours: float = 0) -> str:
    return to_local(utcnow() + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()


def make_union(client, admin, name="测试工会", district="sip", parent_id=None) -> dict:
    resp = client.post("/catalog/unions", {"name": name, "district": district, "parent_id": parent_id}, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()


def union_tree(client, admin) -> dict:
    """city -> district (sip) -> enterprise; plus a second district (gusu)."""
    city = make_union(client, admin, "苏州市总工会", "gusu")
    sip = make_union(client, admin, "园区总工会", "sip", city["id"])
    ent = make_union(client, admin, "某企业工会", "sip", sip["id"])
    gusu = make_union(client, admin, "姑苏区总工会", "gusu", city["id"])
    return {"city": city, "sip": sip, "ent": ent, "gusu": gusu}


def offer_body(union_id: str, **overrides) -> dict:
    body = {
        "union_id": union_id,
        "kind": "health_checkup",
        "title": "网约车司机免费体检",
        "description": "为司机提供免费健康检查",
        "district": "sip",
        "address": "星湖街1号",
        "sessions": [{"starts_at": iso(days=3), "ends_at": iso(days=3, hours=4), "capacity": 10}],
    }
    body.update(overrides)
    return body


def make_offer(client, token, union_id, publish=True, **overrides) -> dict:
    resp = client.post("/catalog/offers", offer_body(union_id, **overrides), token=token)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    offer = resp.get_json()
    if publish:
        resp = client.post(f"/catalog/offers/{offer['id']}/publish", token=token)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        offer = resp.get_json()
    return offer


def birth_for_age(age: int, days_after_birthday: int = 10) -> str:
    """A birth date making the worker `age` today (Asia/Shanghai)."""
    from shared.timeutil import local_today

    today = local_today()
    anchor = today - timedelta(days=days_after_birthday)
    try:
        born = anchor.replace(year=anchor.year - age)
    except ValueError:  # 29 February
        born = anchor.replace(year=anchor.year - age, day=28)
    return born.isoformat()


def profile_body(**overrides) -> dict:
    body = {"birth_date": birth_for_age(30), "district": "sip", "worker_category": "ride_hailing_driver",
            "union_member": True, "employer": "某出行平台", "children_birth_years": []}
    body.update(overrides)
    return body


def make_profile(client, token, worker_id, **overrides) -> dict:
    resp = client.put(f"/matching/workers/{worker_id}", profile_body(**overrides), token=token)
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    return resp.get_json()


def make_need(client, token, worker_id, text="想要免费体检", category=None, **extra) -> dict:
    body = {"worker_id": worker_id, "text": text, **extra}
    if category:
        body["category"] = category
    resp = client.post("/matching/needs", body, token=token)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()
