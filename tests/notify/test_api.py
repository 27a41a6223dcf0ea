"""The notify API: the inbox, marking read, preferences, deliveries; who may do what, object by object."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from services.notify.models import Delivery
from tests.helpers import assert_problem
from tests.notify.conftest import booking_data, notifications, offer_data, set_prefs, union_data


@pytest.fixture
def world(events, notify_db, token):
    """w1 has two notifications, w2 one; u-sip's staff one, u-gusu's one."""
    events.deliver("catalog", "union.created", union_data("u-city", "苏州市总工会", ["u-city"]))
    events.deliver("catalog", "union.created", union_data("u-sip", "园区总工会", ["u-city", "u-sip"]))
    events.deliver("catalog", "union.created", union_data("u-gusu", "姑苏区总工会", ["u-city", "u-gusu"]))
    events.deliver("catalog", "offer.published", offer_data())
    events.deliver("booking", "booking.confirmed", booking_data())
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b2", session_id="s1", worker_id="w1"))
    events.deliver("booking", "booking.waitlisted", booking_data(booking_id="b3", worker_id="w2", status="waitlisted"))
    for union in ("u-sip", "u-gusu"):
        events.deliver("matching", "need.reopened", {"need_id": f"need-{union}", "worker_id": "w9",
                                                     "union_id": union, "assignee": None, "reason": "x"})
    return {"w1": token("worker", "w1"), "w2": token("worker", "w2"), "sip": token("staff", union="u-sip"),
            "gusu": token("staff", union="u-gusu"), "city": token("staff", union="u-city"),
            "admin": token("admin", "admin-1")}


def _ids(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [n["id"] for n in resp.get_json()["items"]]


def test_a_worker_reads_its_own_inbox_newest_first(client, world, notify_db):
    resp = client.get("/notify/inbox", token=world["w1"])
    body = resp.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    first = body["items"][0]
    assert set(first) == {"id", "type", "title", "body", "link", "created_at", "read_at"}
    assert first["created_at"].endswith("+08:00") and first["read_at"] is None
    mine = notifications(notify_db, "w1")
    assert [n["id"] for n in body["items"]] == [n.id for n in sorted(mine, key=lambda n: (n.created_at, n.id),
                                                                         reverse=True)]
    assert client.get("/notify/inbox?per_page=1&page=2", token=world["w1"]).get_json()["items"][0]["id"] == \
        body["items"][1]["id"]


def test_mark_read_and_the_unread_filter(client, world):
    first, second = _ids(client.get("/notify/inbox", token=world["w1"]))
    resp = client.post(f"/notify/inbox/{first}/read", token=world["w1"])
    assert resp.status_code == 200 and resp.get_json()["read_at"] is not None
    read_at = resp.get_json()["read_at"]
    assert client.post(f"/notify/inbox/{first}/read", token=world["w1"]).get_json()["read_at"] == read_at
    assert _ids(client.get("/notify/inbox?unread=true", token=world["w1"])) == [second]
    assert client.post("/notify/inbox/read-all", token=world["w1"]).get_json() == {"marked": 1}
    assert _ids(client.get("/notify/inbox?unread=true", token=world["w1"])) == []
    assert len(_ids(client.get("/notify/inbox?unread=false", token=world["w1"]))) == 2


def test_a_worker_never_reads_or_marks_anothers(client, world):
    (theirs,) = _ids(client.get("/notify/inbox", token=world["w2"]))
    assert_problem(client.post(f"/notify/inbox/{theirs}/read", token=world["w1"]), 404, "not-found")
    assert theirs not in _ids(client.get("/notify/inbox", token=world["w1"]))
    assert client.post("/notify/inbox/read-all", token=world["w1"]).get_json() == {"marked": 2}
    assert _ids(client.get("/notify/inbox?unread=true", token=world["w2"])) == [theirs]  # untouched
    assert_problem(client.post("/notify/inbox/nope/read", token=world["w1"]), 404, "not-found")
    assert_problem(client.post("/notify/inbox/%20/read", token=world["w1"]), 404, "not-found")


def test_staff_read_what_is_addressed_to_their_union(client, world):
    (sip,) = _ids(client.get("/notify/inbox", token=world["sip"]))
    (gusu,) = _ids(client.get("/notify/inbox", token=world["gusu"]))
    assert _ids(client.get("/notify/inbox", token=world["city"])) == []  # addressed to u-sip, not to u-city
    assert_problem(client.post(f"/notify/inbox/{gusu}/read", token=world["sip"]), 404)
    worker_notes = _ids(client.get("/notify/inbox", token=world["w1"]))
    assert_problem(client.post(f"/notify/inbox/{worker_notes[0]}/read", token=world["sip"]), 404)
    assert client.post(f"/notify/inbox/{sip}/read", token=world["sip"]).status_code == 200
    assert_problem(client.get("/notify/inbox?union_id=u-gusu", token=world["sip"]), 403, "forbidden")
    assert _ids(client.get("/notify/inbox?union_id=u-sip", token=world["sip"])) == [sip]


def test_admin_reads_any_unions_inbox(client, world):
    assert len(_ids(client.get("/notify/inbox", token=world["admin"]))) == 2
    assert len(_ids(client.get("/notify/inbox?union_id=u-gusu", token=world["admin"]))) == 1
    assert_problem(client.get("/notify/inbox?union_id=bad%20id", token=world["admin"]), 422, "validation-error")


def test_the_inbox_needs_a_token_and_valid_paging(client, world):
    assert_problem(client.get("/notify/inbox"), 401, "unauthorized")
    assert_problem(client.post("/notify/inbox/x/read"), 401)
    assert_problem(client.get("/notify/inbox?per_page=101", token=world["w1"]), 422, "validation-error")
    assert_problem(client.get("/notify/inbox?unread=maybe", token=world["w1"]), 422, "validation-error")


def test_preferences_are_the_workers_own(client, world, notify_db):
    assert client.get("/notify/preferences", token=world["w1"]).get_json() == \
        {"sms": True, "wechat": True, "phone": None, "wechat_linked": False}
    resp = client.put("/notify/preferences", {"sms": False, "wechat": True, "phone": "+86 138 1234 5678",
                                              "wechat_openid": "oAbC_123-xyz"}, token=world["w1"])
    assert resp.status_code == 200
    assert resp.get_json() == {"sms": False, "wechat": True, "phone": "138****5678", "wechat_linked": True}
    assert "13812345678" not in resp.get_data(as_text=True)
    # Absent: unchanged; null: removed.
    resp = client.put("/notify/preferences", {"sms": True, "wechat": True, "wechat_openid": None}, token=world["w1"])
    assert resp.get_json() == {"sms": True, "wechat": True, "phone": "138****5678", "wechat_linked": False}
    assert client.get("/notify/preferences", token=world["w2"]).get_json()["phone"] is None
    for who in ("sip", "admin"):
        assert_problem(client.get("/notify/preferences", token=world[who]), 403, "forbidden")
        assert_problem(client.put("/notify/preferences", {"sms": True, "wechat": True}, token=world[who]), 403)
    assert_problem(client.get("/notify/preferences"), 401)


@pytest.mark.parametrize("body, field", [
    ({"sms": True}, "wechat"),
    ({"sms": "true", "wechat": True}, "sms"),
    ({"sms": 1, "wechat": True}, "sms"),
    ({"sms": True, "wechat": True, "email": True}, "email"),
    ({"sms": True, "wechat": True, "phone": "12345"}, "phone"),
    ({"sms": True, "wechat": True, "phone": "+1 202 555 0100"}, "phone"),
    ({"sms": True, "wechat": True, "phone": "   "}, "phone"),
    ({"sms": True, "wechat": True, "wechat_openid": "o;drop"}, "wechat_openid"),
])
def test_bad_preferences_are_422(client, world, body, field):
    body = assert_problem(client.put("/notify/preferences", body, token=world["w1"]), 422, "validation-error")
    assert field in body["errors"]


def test_preferences_body_checks(client, world):
    assert_problem(client.open("PUT", "/notify/preferences", token=world["w1"], data=b"[1]",
                               content_type="application/json"), 400, "bad-request")
    assert_problem(client.open("PUT", "/notify/preferences", token=world["w1"], data=b"sms=1",
                               content_type="text/plain"), 415)


def _fail_all(notify_db):
    with notify_db.transaction() as s:
        s.execute(update(Delivery).values(status="failed", attempts=5, last_error="HTTP 500", next_attempt_at=None))


def test_deliveries_are_for_staff_in_reach_and_admins(client, world, events, notify_db):
    set_prefs(notify_db, "w5")
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b5", worker_id="w5"))  # o1: u-sip's
    events.deliver("catalog", "offer.published", offer_data(offer_id="o2", union_path=("u-city", "u-gusu"),
                                                            session_id="s2"))
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b6", worker_id="w5", offer_id="o2",
                                                                session_id="s2"))
    _fail_all(notify_db)
    sip = client.get("/notify/deliveries?status=failed", token=world["sip"]).get_json()
    assert sip["total"] == 2 and {d["channel"] for d in sip["items"]} == {"sms", "wechat"}
    item = sip["items"][0]
    assert item["status"] == "failed" and item["attempts"] == 5 and item["last_error"] == "HTTP 500"
    assert item["worker_id"] == "w5" and item["type"] == "booking.confirmed" and item["next_attempt_at"] is None
    assert "13812345678" not in str(sip)
    assert client.get("/notify/deliveries", token=world["gusu"]).get_json()["total"] == 2
    assert client.get("/notify/deliveries", token=world["city"]).get_json()["total"] == 4  # the tree below it
    assert client.get("/notify/deliveries?channel=sms", token=world["admin"]).get_json()["total"] == 2
    assert client.get("/notify/deliveries?status=sent", token=world["admin"]).get_json()["total"] == 0
    assert_problem(client.get("/notify/deliveries", token=world["w1"]), 403)
    assert_problem(client.get("/notify/deliveries?status=lost", token=world["admin"]), 422)
    assert_problem(client.get("/notify/deliveries"), 401)


def test_staff_send_a_failed_delivery_again(client, world, events, notify_db):
    set_prefs(notify_db, "w5", openid=None)
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b5", worker_id="w5"))
    (delivery_id,) = [d["id"] for d in client.get("/notify/deliveries", token=world["admin"]).get_json()["items"]]
    assert_problem(client.post(f"/notify/deliveries/{delivery_id}/retry", token=world["sip"]), 409, "invalid-state")
    _fail_all(notify_db)
    assert_problem(client.post(f"/notify/deliveries/{delivery_id}/retry", token=world["gusu"]), 404)
    assert_problem(client.post(f"/notify/deliveries/{delivery_id}/retry", token=world["w1"]), 403)
    resp = client.post(f"/notify/deliveries/{delivery_id}/retry", token=world["sip"])
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "pending" and resp.get_json()["attempts"] == 0
