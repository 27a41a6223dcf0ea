"""The demo's sign-ins: GET /accounts/demo, demo_code, and loading twice."""
import pytest
from argon2 import PasswordHasher

from services.accounts.models import User, Worker
from services.accounts.passwords import Hasher
from services.demo import accounts as demo_accounts
from tests.helpers import assert_problem

CHEAP = Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def demo(configs, acc):
    demo_accounts.load(configs["accounts"], hasher=CHEAP)


def test_no_demo_no_list_and_no_demo_code(client, acc):
    assert_problem(client.get("/accounts/demo"), 404, "not-found")
    assert "demo_code" not in client.post("/accounts/codes", {"phone": "13900000001"}).get_json()


def test_the_list_signs_everyone_in(client, acc, demo):
    items = client.get("/accounts/demo").get_json()["items"]
    kinds = [i["kind"] for i in items]
    assert kinds.count("admin") == 1 and kinds.count("staff") == 3 and kinds.count("worker") >= 5
    assert {i["union_id"] for i in items if i["kind"] == "staff"} == {"u-sip", "u-gusu", "u-didi"}
    assert any(i["label"] == "苏州工业园区总工会 工作人员" for i in items)
    for item in items:
        if item["kind"] == "worker":
            resp = client.post("/accounts/codes", {"phone": item["phone"]})
            assert resp.status_code == 202
            code = resp.get_json()["demo_code"]
            session = client.post("/accounts/sessions/code", {"phone": item["phone"], "code": code}).get_json()
            assert session["user"]["id"] == item["worker_id"]
        else:
            session = client.post("/accounts/sessions/password",
                                  {"username": item["username"], "password": item["password"]}).get_json()
            assert session["user"]["role"] == item["kind"] and session["user"]["union_id"] == item["union_id"]


def test_workers_map_to_demo_workers_with_needs(client, acc, demo):
    from services.demo.matching import SMALL

    ids = [i["worker_id"] for i in client.get("/accounts/demo").get_json()["items"] if i["kind"] == "worker"]
    assert all(wid.startswith("demo-w") and int(wid[6:]) <= SMALL["workers"] for wid in ids)


def test_loading_twice_adds_nothing(configs, acc, demo):
    with acc.db.transaction() as session:
        before = (session.query(User).count(), session.query(Worker).count())
    demo_accounts.load(configs["accounts"], hasher=CHEAP)
    with acc.db.transaction() as session:
        assert (session.query(User).count(), session.query(Worker).count()) == before == (4, 6)


def test_a_real_sms_gateway_never_shows_the_code(client, acc, demo):
    acc.sender = type("Sms", (), {"shows_code": False, "send_code": lambda self, p, c: None})()
    assert "demo_code" not in client.post("/accounts/codes", {"phone": "13900000001"}).get_json()


def test_demo_hashes_are_cheap_until_the_first_sign_in(client, configs, acc):
    from services.demo.accounts import DEMO_HASHER

    acc.hasher = Hasher(PasswordHasher())  # the service's real cost
    demo_accounts.load(configs["accounts"], hasher=Hasher(DEMO_HASHER))
    with acc.db.transaction() as session:
        before = session.query(User).filter_by(username="sip").one().password_hash
    assert acc.hasher.needs_rehash(before)
    assert client.post("/accounts/sessions/password", {"username": "sip", "password": "demo-sip-2026"}).status_code == 200
    with acc.db.transaction() as session:
        after = session.query(User).filter_by(username="sip").one().password_hash
    assert after != before and not acc.hasher.needs_rehash(after)
