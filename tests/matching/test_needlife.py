"""A need's life through the API: every step, its history row and its event, and who may take it."""
import pytest
from sqlalchemy import select, text

from services.matching.models import Need, NeedHistory

from tests.helpers import assert_problem
from tests.factories import make_offer
from tests.matching.loop_world import assign, build, due, events_of, history, need_of, ok


@pytest.fixture
def w(client, admin, token, pump):
    return build(client, admin, token, pump)


def test_the_whole_loop_with_its_history_and_events(client, admin, w, dbs, pump):
    need = need_of(client, w.w1)
    assert need["status"] == "open" and need["assigned_union_id"] is None and need["offer_ids"] == []
    assert need["feedback_due"] is False and need["satisfaction"] is None

    got = ok(assign(client, w.staff["sip"], need["id"], w.u["sip"], assignee="s-sip", note="请李明跟进"))
    assert (got["status"], got["assigned_union_id"], got["assignee"], got["due_date"]) == (
        "assigned", w.u["sip"], "s-sip", due())
    offer = make_offer(client, admin, w.u["sip"])
    pump()
    got = ok(client.post(f"/matching/needs/{need['id']}/respond",
                         {"text": "已联系企业，约定本周内补发工资", "offer_ids": [offer["id"]]}, token=w.staff["sip"]))
    assert got["status"] == "responded" and got["response"].startswith("已联系") and got["offer_ids"] == [offer["id"]]
    got = ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "got_help", "note": "工资已到账"},
                         token=w.staff["sip"]))
    assert got["status"] == "resolved" and got["outcome"] == "got_help" and got["feedback_due"] is True

    got = ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": True, "comment": "谢谢工会"},
                         token=w.w1))
    assert got["status"] == "resolved" and got["satisfaction"] == "satisfied" and got["feedback_due"] is False

    steps = history(client, w.w1, need["id"])
    assert [(h["action"], h["from"], h["to"]) for h in steps] == [
        ("create", None, "open"), ("assign", "open", "assigned"), ("respond", "assigned", "responded"),
        ("resolve", "responded", "resolved"), ("feedback", "resolved", "resolved")]
    assert [h["by"] for h in steps] == ["w-1", "s-sip", "s-sip", "s-sip", "w-1"]
    assert [h["note"] for h in steps] == [None, "请李明跟进", "已联系企业，约定本周内补发工资", "工资已到账", "谢谢工会"]
    assert steps[1]["details"] == {"union_id": w.u["sip"], "assignee": "s-sip", "due_date": due()}
    assert all(h["at"].endswith("+08:00") for h in steps)
    assert history(client, w.staff["city"], need["id"]) == steps  # staff in reach read the same

    assert events_of(dbs, "need.assigned") == [{"need_id": need["id"], "worker_id": "w-1", "union_id": w.u["sip"],
                                                "assignee": "s-sip", "due_date": due(), "category": "wages_benefits"}]
    assert events_of(dbs, "need.responded")[0]["offer_ids"] == [offer["id"]]
    assert events_of(dbs, "need.resolved") == [{"need_id": need["id"], "worker_id": "w-1", "union_id": w.u["sip"],
                                                "outcome": "got_help", "category": "wages_benefits"}]
    for payload in (p for t in ("assigned", "responded", "resolved") for p in events_of(dbs, f"need.{t}")):
        assert "工资" not in str(payload)  # ids and codes, never the worker's words


def test_not_satisfied_reopens_the_need_with_its_owner_kept_and_told(client, w, dbs):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"], assignee="s-sip"))
    ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "no_capacity"}, token=w.staff["sip"]))
    got = ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": False, "comment": "还是没解决"},
                         token=w.w1))
    assert (got["status"], got["assigned_union_id"], got["assignee"], got["outcome"], got["satisfaction"]) == (
        "open", w.u["sip"], "s-sip", None, "not_satisfied")
    assert got["feedback_comment"] == "还是没解决" and got["feedback_due"] is False
    assert events_of(dbs, "need.reopened") == [{"need_id": need["id"], "worker_id": "w-1", "union_id": w.u["sip"],
                                                "assignee": "s-sip", "reason": "not_satisfied"}]
    # Round two: assigned again, resolved again, and the worker is asked again.
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
    got = ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "referred", "referred_to": "市人社局劳动监察支队"},
                         token=w.staff["sip"]))
    assert got["feedback_due"] is True and got["referred_to"] == "市人社局劳动监察支队"
    assert got["satisfaction"] == "not_satisfied"  # the latest answer, until the worker answers again
    got = ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": True}, token=w.w1))
    assert got["satisfaction"] == "satisfied"
    assert [h["action"] for h in history(client, w.w1, need["id"])] == [
        "create", "assign", "resolve", "feedback", "assign", "resolve", "feedback"]


def test_a_worker_withdraws_its_own_need(client, w):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
    got = ok(client.post(f"/matching/needs/{need['id']}/withdraw", token=w.w1))
    assert got["status"] == "withdrawn"
    assert history(client, w.w1, need["id"])[-1] | {"at": None} == {
        "at": None, "by": "w-1", "by_role": "worker", "action": "withdraw", "from": "assigned", "to": "withdrawn",
        "union_id": w.u["sip"], "note": None, "details": None}
    assert_problem(client.post(f"/matching/needs/{need['id']}/withdraw", token=w.w1), 409, "invalid-state")


def test_staff_merge_a_duplicate_and_both_histories_say_so(client, w):
    first = need_of(client, w.w1)
    dup = need_of(client, w.w1, "老板拖欠工资")
    got = ok(client.post(f"/matching/needs/{dup['id']}/merge", {"into": first["id"]}, token=w.staff["sip"]))
    assert got["status"] == "merged" and got["merged_into"] == first["id"]
    assert history(client, w.w1, dup["id"])[-1]["details"] == {"into": first["id"]}
    last = history(client, w.w1, first["id"])[-1]
    assert (last["action"], last["from"], last["to"], last["details"]) == ("merged_in", "open", "open",
                                                                           {"from": dup["id"]})
    assert ok(client.get(f"/matching/needs/{first['id']}", token=w.w1))["status"] == "open"
    assert_problem(client.post(f"/matching/needs/{dup['id']}/merge", {"into": first["id"]}, token=w.staff["sip"]),
                   409, "invalid-state")
    assert_problem(client.post(f"/matching/needs/{first['id']}/merge", {"into": dup["id"]}, token=w.staff["sip"]),
                   409, "invalid-state")  # into a merged need


def test_merge_rules(client, w):
    a = need_of(client, w.w1)
    other = need_of(client, w.staff["city"], worker_id="w-2")
    for into, field in ((a["id"], "into"), (other["id"], "into"), ("need_nothing", "into")):
        body = assert_problem(client.post(f"/matching/needs/{a['id']}/merge", {"into": into}, token=w.staff["city"]),
                              422, "validation-error")
        assert field in body["errors"]


@pytest.mark.parametrize("step, body", [
    ("respond", {"text": "已处理"}), ("resolve", {"outcome": "got_help"}), ("withdraw", None),
    ("feedback", {"satisfied": True})])
def test_steps_that_do_not_follow_from_open_are_409(client, w, step, body):
    need = need_of(client, w.w1)
    tok = w.w1 if step in ("withdraw", "feedback") else w.staff["sip"]
    if step == "withdraw":  # from open it is allowed: make it resolved first
        ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
        ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "got_help"}, token=w.staff["sip"]))
    assert_problem(client.post(f"/matching/needs/{need['id']}/{step}", body, token=tok), 409, "invalid-state")
    assert len(history(client, w.w1, need["id"])) == (3 if step == "withdraw" else 1)


def test_resolved_needs_take_no_more_steps_and_feedback_is_given_once(client, w):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
    ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "no_longer_needed"}, token=w.staff["sip"]))
    for step, body in (("assign", {"union_id": w.u["sip"], "due_date": due()}), ("respond", {"text": "x"}),
                       ("resolve", {"outcome": "got_help"})):
        assert_problem(client.post(f"/matching/needs/{need['id']}/{step}", body, token=w.staff["sip"]),
                       409, "invalid-state")
    ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": True}, token=w.w1))
    assert_problem(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": False}, token=w.w1),
                   409, "invalid-state")


def test_who_may_see_and_change_a_need(client, w):
    need = need_of(client, w.w1)
    nid = need["id"]
    # Another worker: 404 for everything; the worker's own steps only to workers, staff steps only to staff.
    for method, path, body in (("get", "", None), ("get", "/history", None), ("post", "/withdraw", None),
                               ("post", "/feedback", {"satisfied": True})):
        assert_problem(client.open(method.upper(), f"/matching/needs/{nid}{path}", json_body=body, token=w.w2), 404)
    for path, body in (("/assign", {"union_id": w.u["sip"], "due_date": due()}), ("/respond", {"text": "x"}),
                       ("/resolve", {"outcome": "got_help"}), ("/merge", {"into": nid})):
        assert_problem(client.post(f"/matching/needs/{nid}{path}", body, token=w.w1), 403)
    for path, body in (("/withdraw", None), ("/feedback", {"satisfied": True})):
        assert_problem(client.post(f"/matching/needs/{nid}{path}", body, token=w.staff["sip"]), 403)
    # Staff out of reach (gusu does not reach a sip worker): 404, as for a need that does not exist.
    for method, path, body in (("get", "", None), ("get", "/history", None),
                               ("post", "/assign", {"union_id": w.u["gusu"], "due_date": due()}),
                               ("post", "/merge", {"into": nid})):
        assert_problem(client.open(method.upper(), f"/matching/needs/{nid}{path}", json_body=body,
                                   token=w.staff["gusu"]), 404, "not-found")
    assert_problem(client.get("/matching/needs/need_nothing", token=w.staff["city"]), 404)
    assert_problem(client.get(f"/matching/needs/{nid}"), 401)
    # Once sip owns it, the enterprise union below sip (which reaches the worker) may not answer for sip.
    ok(assign(client, w.staff["sip"], nid, w.u["sip"]))
    assert_problem(client.post(f"/matching/needs/{nid}/respond", {"text": "x"}, token=w.staff["ent"]), 403)
    assert_problem(client.post(f"/matching/needs/{nid}/resolve", {"outcome": "got_help"}, token=w.staff["ent"]), 403)
    ok(client.post(f"/matching/needs/{nid}/respond", {"text": "市总来答复"}, token=w.staff["city"]))  # above sip
    assert len(history(client, w.w1, nid)) == 3


def test_assign_checks_the_union_and_the_due_date(client, w):
    need = need_of(client, w.w1)
    nid = need["id"]
    cases = [(w.staff["sip"], {"union_id": "u-nowhere", "due_date": due()}, "union_id"),
             (w.staff["sip"], {"union_id": w.u["city"], "due_date": due()}, "union_id"),  # above the caller
             (w.staff["city"], {"union_id": w.u["gusu"], "due_date": due()}, "union_id"),  # gusu does not reach w-1
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": due(-1)}, "due_date"),
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": due(400)}, "due_date"),
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": "2026-02-30"}, "due_date"),
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": "9999-12-31"}, "due_date"),
             (w.staff["sip"], {"union_id": w.u["sip"]}, "due_date"),
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": due(), "assignee": " "}, "assignee"),
             (w.staff["sip"], {"union_id": w.u["sip"], "due_date": due(), "priority": 1}, "priority")]
    for tok, body, field in cases:
        got = assert_problem(client.post(f"/matching/needs/{nid}/assign", body, token=tok), 422)
        assert field in got["errors"], (body, got)
    assert len(history(client, w.w1, nid)) == 1
    ok(assign(client, w.staff["sip"], nid, w.u["ent"]))  # a union below the caller, reaching the worker


def test_resolve_and_respond_bodies(client, admin, w):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"]))
    url = f"/matching/needs/{need['id']}"
    for body, field in (({"outcome": "referred"}, "referred_to"), ({"outcome": "booked"}, "outcome"),
                        ({"outcome": "got_help", "referred_to": "某局"}, "referred_to"), ({}, "outcome")):
        assert field in assert_problem(client.post(f"{url}/resolve", body, token=w.staff["sip"]), 422)["errors"]
    for body, field in (({"text": " "}, "text"), ({"text": "x", "offer_ids": ["ofr_nothing"]}, "offer_ids"),
                        ({"text": "x" * 2001}, "text")):
        assert field in assert_problem(client.post(f"{url}/respond", body, token=w.staff["sip"]), 422)["errors"]
    for body, field in (({"satisfied": "yes"}, "satisfied"), ({}, "satisfied")):
        assert field in assert_problem(client.post(f"{url}/feedback", body, token=w.w1), 422)["errors"]
    assert len(history(client, w.w1, need["id"])) == 2


def test_the_need_list_filters_by_owner_and_lateness(client, w, dbs):
    a, b, c = (need_of(client, w.w1, t) for t in ("工资低", "加班多", "不签合同"))
    ok(assign(client, w.staff["sip"], a["id"], w.u["sip"]))
    ok(assign(client, w.staff["sip"], b["id"], w.u["ent"]))
    with dbs["matching"].transaction() as s:  # a due date that has passed (the API takes none in the past)
        s.execute(text("UPDATE matching_needs SET due_date = '2026-01-05' WHERE id = :i"),
                  {"i": a["id"]})
    page = ok(client.get(f"/matching/needs?assigned_union_id={w.u['sip']}", token=w.staff["sip"]))
    assert [n["id"] for n in page["items"]] == [a["id"]]
    page = ok(client.get("/matching/needs?overdue=true", token=w.staff["sip"]))
    assert [n["id"] for n in page["items"]] == [a["id"]]
    assert ok(client.get("/matching/needs?status=assigned", token=w.staff["sip"]))["total"] == 2
    assert ok(client.get("/matching/needs?worker_category=ride_hailing_driver", token=w.staff["city"]))["total"] == 3
    assert ok(client.get("/matching/needs?worker_category=courier", token=w.staff["city"]))["total"] == 0
    assert_problem(client.get("/matching/needs?overdue=maybe", token=w.staff["sip"]), 422)
    assert_problem(client.get("/matching/needs?status=done", token=w.staff["sip"]), 422)
    assert c["status"] == "open"


def test_erasure_blanks_the_words_in_the_history_and_keeps_the_steps(client, w, dbs):
    need = need_of(client, w.w1)
    ok(assign(client, w.staff["sip"], need["id"], w.u["sip"], note="见面谈过，住址在星湖街"))
    ok(client.post(f"/matching/needs/{need['id']}/resolve", {"outcome": "got_help"}, token=w.staff["sip"]))
    ok(client.post(f"/matching/needs/{need['id']}/feedback", {"satisfied": False, "comment": "我叫张三"}, token=w.w1))
    held = ok(client.get("/matching/workers/w-1/export", token=w.w1))["history"]
    assert [(h["need_id"], h["action"]) for h in held] == [(need["id"], a) for a in
                                                           ("create", "assign", "resolve", "feedback")]
    assert client.open("DELETE", "/matching/workers/w-1", token=w.w1).status_code == 204
    with dbs["matching"].transaction() as s:
        kept = s.get(Need, need["id"])
        notes = s.scalars(select(NeedHistory.note).where(NeedHistory.need_id == need["id"])).all()
        actions = s.scalars(select(NeedHistory.action).where(NeedHistory.need_id == need["id"])).all()
    assert kept.feedback_comment is None and kept.text == "" and kept.satisfaction == "not_satisfied"
    assert notes == [None, None, None] and actions == ["assign", "resolve", "feedback"]
