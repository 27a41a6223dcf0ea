"""Creating and reading offers: fields, defaults, validation, who may."""
import pytest

from tests.helpers import assert_problem
from tests.factories import iso, make_offer, offer_body, union_tree


@pytest.fixture
def tree(client, admin):
    return union_tree(client, admin)


def test_staff_create_a_draft_with_defaults(client, token, tree):
    staff = token("staff", union=tree["sip"]["id"])
    resp = client.post("/catalog/offers", offer_body(tree["ent"]["id"]), token=staff)
    assert resp.status_code == 201
    offer = resp.get_json()
    assert offer["status"] == "draft" and offer["published_at"] is None
    assert offer["categories"] == ["health_checkup"]
    assert offer["eligibility"] == {"min_age": None, "max_age": None, "worker_categories": [], "districts": [],
                                    "members_only": False}
    assert offer["per_worker_limit"] is None and offer["waitlist"] is True
    assert offer["sessions"][0]["id"] and offer["sessions"][0]["capacity"] == 10
    assert offer["sessions"][0]["starts_at"].endswith("+08:00")
    assert offer["created_at"].endswith("+08:00")


@pytest.mark.parametrize("kind, category", [("health_checkup", "health_checkup"), ("rest_trip", "rest_recuperation"),
                                            ("night_class", "skills_learning"), ("talent_apartment", "housing"),
                                            ("after_school_class", "childcare")])
def test_categories_default_from_the_kind(client, admin, tree, kind, category):
    offer = make_offer(client, admin, tree["sip"]["id"], publish=False, kind=kind)
    assert offer["categories"] == [category]


def test_an_offer_may_serve_several_categories(client, admin, tree):
    offer = make_offer(client, admin, tree["sip"]["id"], publish=False, kind="rest_trip",
                       categories=["rest_recuperation", "health_checkup"])
    assert offer["categories"] == ["rest_recuperation", "health_checkup"]


def test_full_eligibility_and_limit_round_trip(client, admin, tree):
    elig = {"min_age": 18, "max_age": 40, "worker_categories": ["new_employment", "boat_crew"],
            "districts": ["sip", "gusu"], "members_only": True}
    offer = make_offer(client, admin, tree["sip"]["id"], publish=False, eligibility=elig,
                       per_worker_limit={"count": 1, "period_days": 1095}, waitlist=False)
    assert offer["eligibility"] == elig
    assert offer["per_worker_limit"] == {"count": 1, "period_days": 1095}
    assert offer["waitlist"] is False


def test_who_may_create(client, token, tree):
    body = offer_body(tree["ent"]["id"])
    assert_problem(client.post("/catalog/offers", body), 401)
    assert_problem(client.post("/catalog/offers", body, token=token("worker")), 403)
    # staff of a sibling district, or of the union below, may not act for it
    assert_problem(client.post("/catalog/offers", body, token=token("staff", union=tree["gusu"]["id"])), 403)
    body_for_sip = offer_body(tree["sip"]["id"])
    assert_problem(client.post("/catalog/offers", body_for_sip, token=token("staff", union=tree["ent"]["id"])), 403)
    # the city federation may act for everything below it
    assert client.post("/catalog/offers", body, token=token("staff", union=tree["city"]["id"])).status_code == 201


@pytest.mark.parametrize("override, field", [
    ({"kind": "spa_day"}, "kind"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"district": "mars"}, "district"),
    ({"categories": ["astrology"]}, "categories.0"),
    ({"categories": []}, "categories"),
    ({"eligibility": {"min_age": 41, "max_age": 40}}, "eligibility.max_age"),
    ({"eligibility": {"worker_categories": ["pilot"]}}, "eligibility.worker_categories.0"),
    ({"eligibility": {"districts": ["paris"]}}, "eligibility.districts.0"),
    ({"eligibility": {"min_age": -1}}, "eligibility.min_age"),
    ({"eligibility": {"shoe_size": 42}}, "eligibility.shoe_size"),
    ({"per_worker_limit": {"count": 0, "period_days": 10}}, "per_worker_limit.count"),
    ({"per_worker_limit": {"count": 1}}, "per_worker_limit.period_days"),
    ({"waitlist": "perhaps"}, "waitlist"),
    ({"sessions": [{"starts_at": "2026-12-01T09:00:00", "ends_at": "2026-12-01T12:00:00+08:00", "capacity": 1}]},
     "sessions.0.starts_at"),
    ({"sessions": [{"starts_at": "tomorrow", "ends_at": "2026-12-01T12:00:00+08:00", "capacity": 1}]},
     "sessions.0.starts_at"),
    ({"sessions": [{"starts_at": iso(2), "ends_at": iso(1), "capacity": 1}]}, "sessions.0.ends_at"),
    ({"sessions": [{"starts_at": iso(2), "ends_at": iso(3), "capacity": 0}]}, "sessions.0.capacity"),
    ({"sessions": [{"starts_at": iso(2), "ends_at": iso(3), "capacity": "many"}]}, "sessions.0.capacity"),
    ({"sessions": [{"id": "mine", "starts_at": iso(2), "ends_at": iso(3), "capacity": 1}]}, "sessions"),
    ({"status": "published"}, "status"),
    ({"id": "chosen"}, "id"),
])
def test_bad_fields_are_422_and_change_nothing(client, admin, tree, override, field):
    body = assert_problem(client.post("/catalog/offers", offer_body(tree["sip"]["id"], **override), token=admin),
                          422, "validation-error")
    assert field in body["errors"], body["errors"]
    listing = client.get("/catalog/offers?status=draft", token=admin).get_json()
    assert listing["total"] == 0


def test_missing_required_fields_are_named(client, admin):
    body = assert_problem(client.post("/catalog/offers", {}, token=admin), 422)
    assert {"union_id", "kind", "title", "district"} <= set(body["errors"])


def test_unknown_union_is_422(client, admin):
    body = assert_problem(client.post("/catalog/offers", offer_body("nope"), token=admin), 422)
    assert "union_id" in body["errors"]


def test_drafts_are_hidden_from_the_public_and_other_unions(client, token, admin, tree):
    offer = make_offer(client, admin, tree["ent"]["id"], publish=False)
    path = f"/catalog/offers/{offer['id']}"
    assert_problem(client.get(path), 404, "not-found")
    assert_problem(client.get(path, token=token("worker")), 404)
    assert_problem(client.get(path, token=token("staff", union=tree["gusu"]["id"])), 404)
    assert client.get(path, token=token("staff", union=tree["ent"]["id"])).status_code == 200
    assert client.get(path, token=token("staff", union=tree["city"]["id"])).status_code == 200
    assert client.get(path, token=admin).status_code == 200


def test_published_offers_are_public(client, admin, tree):
    offer = make_offer(client, admin, tree["sip"]["id"])
    got = client.get(f"/catalog/offers/{offer['id']}")
    assert got.status_code == 200 and got.get_json()["status"] == "published"


def test_unknown_offer_is_404(client):
    assert_problem(client.get("/catalog/offers/nope"), 404)
