"""Reports on a known fixture: the numbers, the scope, the rows behind them as CSV and Excel, the audit."""
import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from services.matching.models import AuditEntry, Need
from services.matching.reports import ROW_FIELDS, SATISFACTION_FIELDS
from shared.timeutil import LOCAL_TZ
from tests.helpers import assert_problem
from tests.matching.loop_world import build, ok

MARCH = "from=2026-03-01&to=2026-03-31"


def _at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=LOCAL_TZ)


@pytest.fixture
def w(client, admin, token, pump, dbs):
    world = build(client, admin, token, pump)
    sip = world.u["sip"]
    h = timedelta(hours=1)
    rows = [  # id, worker, created, status, outcome, union, first response (h), resolved (h), answer, answered
        ("n1", "w-1", _at("2026-03-02"), "resolved", "got_help", sip, 10, 20, "satisfied", 22),
        ("n2", "w-1", _at("2026-03-03"), "fulfilled", "booked", None, None, 960, None, None),
        ("n3", "w-1", _at("2026-03-04"), "open", None, sip, 30, None, "not_satisfied", 50),
        ("n4", "w-1", _at("2026-03-05"), "withdrawn", None, None, None, None, None, None),
        ("n5", "w-1", _at("2026-03-06"), "assigned", None, sip, None, None, None, None),
        ("n6", "w-2", _at("2026-03-02"), "resolved", "referred", world.u["gusu"], 5, 5, "satisfied", 6),
        ("n7", "w-1", _at("2026-04-10"), "open", None, None, None, None, None, None),
        ("n8", "w-1", _at("2026-03-01", 0), "open", None, None, None, None, None, None),  # the first minute
        ("n9", "w-1", _at("2026-02-28", 23), "open", None, None, None, None, None, None),  # the day before
    ]
    with dbs["matching"].transaction() as s:
        s.execute(insert(Need), [
            {"id": i, "worker_id": wid, "text": f"需求{i}", "category": "wages_benefits", "category_source": "given",
             "status": st, "source": "online", "created_at": at, "outcome": oc, "assigned_union_id": un,
             "first_response_at": at + fr * h if fr is not None else None,
             "resolved_at": at + rs * h if rs is not None else None, "satisfaction": sa,
             "feedback_at": at + fb * h if fb is not None else None, "feedback_comment": "=1+1" if i == "n1" else None,
             "version": 1}
            for i, wid, at, st, oc, un, fr, rs, sa, fb in rows])
    return world


def test_the_numbers_for_a_district_and_for_the_city(client, w):
    sip = ok(client.get(f"/matching/reports/needs?union_id={w.u['sip']}&{MARCH}", token=w.staff["sip"]))
    assert sip == {
        "union_id": w.u["sip"], "from": "2026-03-01", "to": "2026-03-31", "received": 6, "assigned": 3,
        "responded": 2,
        "by_status": {"open": 2, "assigned": 1, "responded": 0, "resolved": 1, "fulfilled": 1, "withdrawn": 1,
                      "merged": 0},
        "by_outcome": {"got_help": 1, "not_eligible": 0, "no_capacity": 0, "could_not_contact": 0,
                       "no_longer_needed": 0, "referred": 0, "booked": 1},
        "median_hours_to_response": 20.0, "median_hours_to_resolution": 490.0,
        "resolved_within_30_days": 0.2, "satisfied": 1, "not_satisfied": 1}
    assert ok(client.get(f"/matching/reports/needs?{MARCH}", token=w.staff["sip"])) == sip  # the caller's union
    city = ok(client.get(f"/matching/reports/needs?{MARCH}", token=w.staff["city"]))
    assert (city["received"], city["by_outcome"]["referred"], city["median_hours_to_response"],
            city["median_hours_to_resolution"], city["resolved_within_30_days"], city["satisfied"]) == (
        7, 1, 10.0, 20.0, round(2 / 6, 4), 2)
    everything = ok(client.get("/matching/reports/needs", token=w.staff["city"]))
    assert everything["received"] == 9 and everything["from"] is None
    assert ok(client.get("/matching/reports/needs?from=2026-04-01", token=w.staff["city"]))["received"] == 1
    empty = ok(client.get("/matching/reports/needs?from=2027-01-01", token=w.staff["city"]))
    assert (empty["received"], empty["median_hours_to_response"], empty["resolved_within_30_days"]) == (0, None, None)


def test_who_may_see_which_report(client, admin, w):
    assert_problem(client.get(f"/matching/reports/needs?union_id={w.u['gusu']}", token=w.staff["sip"]), 404)
    assert_problem(client.get(f"/matching/reports/needs?union_id={w.u['city']}", token=w.staff["sip"]), 404)
    assert_problem(client.get("/matching/reports/needs?union_id=u-nowhere", token=admin), 404)
    assert_problem(client.get("/matching/reports/needs", token=w.w1), 403)
    assert_problem(client.get("/matching/reports/needs"), 401)
    for query in ("from=2026-04-01&to=2026-03-01", "from=yesterday", "to=1999-12-31", "format=pdf"):
        assert_problem(client.get(f"/matching/reports/needs?{query}", token=admin), 422)
    assert ok(client.get(f"/matching/reports/needs?union_id={w.u['gusu']}", token=admin))["received"] == 1


def _csv(resp) -> list[dict]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv", resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(resp.get_data().decode("utf-8-sig"))))


def _xlsx(resp) -> list[tuple]:
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(resp.get_data())).active.iter_rows(values_only=True))


def test_the_rows_behind_a_report_parse_back_and_their_reading_is_audited(client, w, dbs):
    url = f"/matching/reports/needs?union_id={w.u['sip']}&{MARCH}"
    rows = _csv(client.get(url, token=w.staff["sip"], headers={"Accept": "text/csv"}))
    assert [r["need_id"] for r in rows] == ["n8", "n1", "n2", "n3", "n4", "n5"]
    n1 = rows[1]
    assert (n1["status"], n1["outcome"], n1["hours_to_response"], n1["hours_to_resolution"], n1["satisfaction"]) == (
        "resolved", "got_help", "10.0", "20.0", "satisfied")
    assert n1["created_at"] == "2026-03-02T09:00:00+08:00" and n1["text"] == "需求n1"
    assert n1["feedback_comment"] == "'=1+1"  # a formula stays text
    sheet = _xlsx(client.get(url + "&format=xlsx", token=w.staff["sip"]))
    assert list(sheet[0]) == ROW_FIELDS and [r[0] for r in sheet[1:]] == [r["need_id"] for r in rows]
    assert ok(client.get(url + "&format=json", token=w.staff["sip"]))["received"] == 6
    with dbs["matching"].transaction() as s:
        audited = s.execute(select(AuditEntry.actor, AuditEntry.worker_id, AuditEntry.action)).all()
    assert set(audited) == {("s-sip", "w-1", "reports.rows")} and len(audited) == 2  # one per export


def test_the_satisfaction_list_and_its_export(client, w):
    page = ok(client.get(f"/matching/reports/satisfaction?{MARCH}", token=w.staff["city"]))
    assert [(i["need_id"], i["satisfaction"]) for i in page["items"]] == [
        ("n3", "not_satisfied"), ("n1", "satisfied"), ("n6", "satisfied")]
    assert page["items"][1]["feedback_comment"] == "=1+1" and page["items"][1]["text"] == "需求n1"
    mine = ok(client.get(f"/matching/reports/satisfaction?satisfaction=satisfied&{MARCH}", token=w.staff["sip"]))
    assert [i["need_id"] for i in mine["items"]] == ["n1"]
    rows = _csv(client.get(f"/matching/reports/satisfaction?format=csv&{MARCH}", token=w.staff["city"]))
    assert [r["need_id"] for r in rows] == ["n3", "n1", "n6"] and list(rows[0]) == SATISFACTION_FIELDS
    sheet = _xlsx(client.get(f"/matching/reports/satisfaction?format=xlsx&{MARCH}", token=w.staff["city"]))
    assert len(sheet) == 4
    assert_problem(client.get("/matching/reports/satisfaction?satisfaction=meh", token=w.staff["city"]), 422)


def test_the_problem_list_exports(client, w):
    rows = _csv(client.get("/matching/problems", token=w.staff["city"], headers={"Accept": "text/csv"}))
    assert [(r["id"], r["needs"], r["open"], r["assigned"]) for r in rows] == [
        ("wages_benefits.sip.ride_hailing_driver", "5", "4", "1")]  # n6 in gusu is resolved
    sheet = _xlsx(client.get("/matching/problems?format=xlsx", token=w.staff["city"]))
    assert sheet[0][0] == "id" and sheet[1][0] == "wages_benefits.sip.ride_hailing_driver"
