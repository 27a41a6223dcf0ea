"""Large imports as jobs: accepted at once, run by matching's worker, resumed after a death, run once."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.matching import importer, imports
from services.matching.models import ImportChunk, ImportJob, Need
from shared.db import Database
from shared.timeutil import utcnow
from tests.helpers import assert_problem

HEADER = "worker_id,text,category,source,interview_point\n"
ASYNC = {"Prefer": "respond-async"}


def post(client, token, text: str, query="", headers=None):
    return client.open("POST", f"/matching/needs/import{query}", token=token, data=text.encode(),
                       content_type="text/csv", headers=headers)


def rows(n: int, start: int = 0) -> str:
    return "".join(f"w-{i % 300},希望工会每年安排一次健康检查 {i},,online,\n" for i in range(start, start + n))


def needs_in(dbs) -> int:
    with dbs["matching"].transaction() as s:
        return s.scalar(select(func.count()).select_from(Need))


def test_an_import_asked_to_run_async_is_a_job_with_progress(client, token, pump, dbs):
    staff = token("staff", union="u-sip")
    resp = post(client, staff, HEADER + rows(5) + "w-x,文本,astrology,,\n" + rows(3, 5), headers=ASYNC)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = resp.get_json()
    assert resp.headers["Location"].endswith(f"/matching/needs/imports/{job['id']}")
    assert (job["status"], job["rows_done"], job["imported"], job["started_at"]) == ("queued", 0, 0, None)
    assert job["union_id"] == "u-sip" and job["kind"] == "csv"
    assert needs_in(dbs) == 0  # accepted, not imported yet
    pump()
    done = client.get(resp.headers["Location"], token=staff).get_json()
    assert (done["status"], done["rows_done"], done["imported"], done["rejected_total"]) == ("done", 9, 8, 1)
    assert [(r["line"], list(r["errors"])) for r in done["rejected"]] == [(7, ["category"])]
    assert done["started_at"] and done["finished_at"] and done["error"] is None
    assert needs_in(dbs) == 8
    with dbs["matching"].transaction() as s:  # the upload is not kept once the job is done
        assert s.scalar(select(func.count()).select_from(ImportChunk)) == 0


def test_over_the_synchronous_limit_an_upload_is_a_job(client, admin, pump, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_MAX_BYTES", 2000)
    body = HEADER + rows(100)
    assert_problem(post(client, admin, body, query="?async=false"), 413, "payload-too-large")
    small = post(client, admin, HEADER + rows(3), query="?async=false")
    assert small.status_code == 200 and small.get_json()["imported"] == 3
    resp = post(client, admin, body)
    assert resp.status_code == 202 and resp.get_json()["size_bytes"] == len(body.encode())
    pump()
    assert client.get(resp.headers["Location"], token=admin).get_json()["imported"] == 100
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 103


def test_a_job_with_a_bad_header_fails_and_says_why(client, admin, pump):
    resp = post(client, admin, "id,text\nw-1,体检\n", query="?async=true")
    pump()
    job = client.get(resp.headers["Location"], token=admin).get_json()
    assert job["status"] == "failed" and "header" in job["error"] and job["finished_at"]


def test_who_sees_which_jobs(client, token, admin):
    sip, gusu = token("staff", union="u-sip"), token("staff", union="u-gusu")
    mine = post(client, sip, HEADER + rows(2), headers=ASYNC).get_json()
    post(client, gusu, HEADER + rows(2), headers=ASYNC)
    post(client, admin, HEADER + rows(2), headers=ASYNC)
    assert client.get(f"/matching/needs/imports/{mine['id']}", token=sip).status_code == 200
    assert_problem(client.get(f"/matching/needs/imports/{mine['id']}", token=gusu), 404)
    listed = client.get("/matching/needs/imports", token=sip).get_json()
    assert [j["id"] for j in listed["items"]] == [mine["id"]] and listed["total"] == 1
    assert client.get("/matching/needs/imports", token=admin).get_json()["total"] == 3
    assert client.get("/matching/needs/imports?status=done", token=admin).get_json()["total"] == 0
    worker = token("worker", "w-1")
    assert_problem(client.get("/matching/needs/imports", token=worker), 403)
    assert_problem(client.get(f"/matching/needs/imports/{mine['id']}", token=worker), 403)
    assert_problem(post(client, worker, HEADER + rows(1), headers=ASYNC), 403)
    assert_problem(client.get("/matching/needs/imports"), 401)


class Died(BaseException):
    """What a killed process looks like to the code after it: nothing more runs."""


def test_a_job_left_running_by_a_dead_worker_is_taken_over_and_resumes(client, admin, dbs, monkeypatch):
    db = dbs["matching"]
    monkeypatch.setattr(importer, "BATCH", 40)
    body = HEADER + rows(50) + "w-x,,,,\n" + rows(49, 50) + "w-y,,,,\n" + rows(50, 99)  # 151 rows, 2 bad
    job_id = post(client, admin, body, headers=ASYNC).get_json()["id"]
    real_store, calls = importer.store, []

    def store_then_die(session, need_rows):
        calls.append(len(need_rows))
        if len(calls) == 3:
            raise Died  # after two batches were committed
        return real_store(session, need_rows)

    monkeypatch.setattr(importer, "store", store_then_die)
    with pytest.raises(Died):
        imports.run_next(db)
    monkeypatch.setattr(importer, "store", real_store)
    job = client.get(f"/matching/needs/imports/{job_id}", token=admin).get_json()
    assert (job["status"], job["rows_done"], job["imported"], job["rejected_total"]) == ("running", 80, 79, 1)
    assert imports.run_next(db) == 0  # its lease has not expired: nobody takes it yet
    with db.transaction() as s:
        s.execute(update(ImportJob).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert imports.run_next(db) == 1
    job = client.get(f"/matching/needs/imports/{job_id}", token=admin).get_json()
    assert (job["status"], job["rows_done"], job["imported"], job["rejected_total"]) == ("done", 151, 149, 2)
    assert [r["line"] for r in job["rejected"]] == [52, 102]
    assert needs_in(dbs) == 149  # each row once: the second run started after the committed batches
    with db.transaction() as s:
        assert s.scalar(select(ImportJob.attempts)) == 2


def test_a_run_that_lost_its_claim_commits_nothing_more(client, admin, dbs):
    db = dbs["matching"]
    post(client, admin, HEADER + rows(5), headers=ASYNC)
    first = imports._claim(db)
    with db.transaction() as s:
        s.execute(update(ImportJob).values(lease_until=utcnow() - timedelta(seconds=1)))
    second = imports._claim(db)
    assert first[0] == second[0] and first[1] != second[1]
    imports._finish(db, first[0], first[1], "failed", {"_job": ["stale"]})  # the stale run: fenced off
    with db.transaction() as s:
        assert s.scalar(select(ImportJob.status)) == "running"


def test_two_workers_run_each_job_exactly_once(client, admin, configs, dbs, monkeypatch):
    """Real threads, each with its own engine (PostgreSQL in CI: FOR UPDATE SKIP LOCKED)."""
    monkeypatch.setattr(importer, "BATCH", 50)
    jobs = [post(client, admin, HEADER + rows(120, 1000 * i), headers=ASYNC).get_json()["id"] for i in range(6)]
    engines = [Database(configs["matching"].database_url) for _ in range(2)]
    barrier = threading.Barrier(len(engines))
    ran = [0] * len(engines)

    def work(i):
        barrier.wait()
        while imports.run_next(engines[i]):
            ran[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(engines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    assert sum(ran) == len(jobs)
    with dbs["matching"].transaction() as s:
        assert set(s.scalars(select(ImportJob.status))) == {"done"}
        assert set(s.scalars(select(ImportJob.attempts))) == {1}
        assert s.scalar(select(func.count()).select_from(Need)) == 6 * 120
        assert s.scalar(select(func.count(func.distinct(Need.text)))) == 6 * 120


def test_an_xlsx_upload_runs_as_a_job(client, admin, pump):
    from tests.matching.test_import_formats import XLSX, xlsx

    data = xlsx([["worker_id", "text", "category", "source", "interview_point"], ["w-1", "想要免费体检"], ["w-2", ""]])
    resp = client.open("POST", "/matching/needs/import?async=true", token=admin, data=data, content_type=XLSX)
    assert resp.status_code == 202 and resp.get_json()["kind"] == "xlsx"
    pump()
    job = client.get(resp.headers["Location"], token=admin).get_json()
    assert (job["status"], job["imported"], [r["line"] for r in job["rejected"]]) == ("done", 1, [3])


def test_over_the_limit_of_an_import_is_413_and_stores_nothing(client, admin, dbs, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    body = assert_problem(post(client, admin, HEADER + rows(40), headers=ASYNC), 413, "payload-too-large")
    assert "limit" in body["detail"]
    with dbs["matching"].transaction() as s:
        assert s.scalar(select(func.count()).select_from(ImportJob)) == 0
