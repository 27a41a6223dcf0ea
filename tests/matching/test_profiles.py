import pytest

from shared.events import Envelope, stream_name
from tests.helpers import assert_problem
from tests.factories import birth_for_age, profile_body


def test_a_worker_creates_then_replaces_its_profile(client, token):
    me = token("worker", "w-1")
    resp = client.put("/matching/workers/w-1", profile_body(), token=me)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["worker_id"] == "w-1" and body["district"] == "sip" and body["union_member"] is True
    resp = client.put("/matching/workers/w-1", profile_body(district="gusu", children_birth_years=[2018]), token=me)
    assert resp.status_code == 200
    got = client.get("/matching/workers/w-1", token=me).get_json()
    assert got["district"] == "gusu" and got["children_birth_years"] == [2018]
    assert got["created_at"] == body["created_at"]


def test_staff_and_admin_record_profiles_for_anyone(client, token, admin):
    assert client.put("/matching/workers/w-2", profile_body(), token=token("staff", union="u-x")).status_code == 201
    assert client.get("/matching/workers/w-2", token=admin).status_code == 200


def test_a_worker_never_reaches_another_workers_profile(client, token):
    client.put("/matching/workers/w-1", profile_body(), token=token("worker", "w-1"))
    other = token("worker", "w-9")
    assert_problem(client.get("/matching/workers/w-1", token=other), 404)
    assert_problem(client.put("/matching/workers/w-1", profile_body(), token=other), 404, "not-found")
    assert client.get("/matching/workers/w-1", token=token("worker", "w-1")).get_json()["district"] == "sip"


def test_no_token_is_401(client):
    assert_problem(client.get("/matching/workers/w-1"), 401)
    assert_problem(client.put("/matching/workers/w-1", profile_body()), 401)


def test_missing_profile_is_404(client, admin):
    assert_problem(client.get("/matching/workers/nobody", token=admin), 404)


@pytest.mark.parametrize("override, field", [
    ({"birth_date": "1995-02-30"}, "birth_date"),
    ({"birth_date": "02/04/1995"}, "birth_date"),
    ({"birth_date": "2099-01-01"}, "birth_date"),
    ({"birth_date": birth_for_age(8)}, "birth_date"),
    ({"district": "shanghai"}, "district"),
    ({"worker_category": "astronaut"}, "worker_category"),
    ({"union_member": "yes please"}, "union_member"),
    ({"children_birth_years": [1900]}, "children_birth_years"),
    ({"children_birth_years": "2018"}, "children_birth_years"),
    ({"salary": 100}, "salary"),
])
def test_bad_profiles_are_422_and_change_nothing(client, admin, override, field):
    body = assert_problem(client.put("/matching/workers/w-1", profile_body(**override), token=admin), 422)
    assert field in body["errors"]
    assert_problem(client.get("/matching/workers/w-1", token=admin), 404)


def test_saved_profiles_are_published_for_booking(client, admin, pump, redis_client, configs):
    client.put("/matching/workers/w-1", profile_body(), token=admin)
    client.put("/matching/workers/w-1", profile_body(union_member=False), token=admin)
    pump()
    stream = stream_name(configs["matching"].stream_prefix, "matching")
    events = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    assert [e.type for e in events] == ["profile.saved", "profile.saved"]
    assert events[1].data["union_member"] is False and events[1].data["revision"] == 2
    assert events[0].data["birth_date"] and events[0].data["worker_category"] == "ride_hailing_driver"
