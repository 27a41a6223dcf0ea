"""Catalog publishes offer.published / offer.updated / offer.closed with what others need."""
from shared.events import Envelope, stream_name
from tests.factories import make_offer


def events(redis_client, configs):
    stream = stream_name(configs["catalog"].stream_prefix, "catalog")
    evs = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    return [e for e in evs if e.type.startswith("offer.")]  # union.* events: tests/matching/test_reach.py


def test_offer_life_is_published_as_events(client, admin, unions, pump, redis_client, configs):
    tree = unions
    offer = make_offer(client, admin, tree["ent"]["id"], publish=False,
                       per_worker_limit={"count": 1, "period_days": 365}, eligibility={"max_age": 40})
    pump()
    assert events(redis_client, configs) == []  # drafts are nobody else's business
    client.post(f"/catalog/offers/{offer['id']}/publish", token=admin)
    client.patch(f"/catalog/offers/{offer['id']}", {"title": "新标题"}, token=admin)
    client.post(f"/catalog/offers/{offer['id']}/close", token=admin)
    pump()
    evs = events(redis_client, configs)
    assert [e.type for e in evs] == ["offer.published", "offer.updated", "offer.closed"]
    published = evs[0].data
    assert published["offer_id"] == offer["id"] and published["status"] == "published"
    assert published["union_path"] == [tree["city"]["id"], tree["sip"]["id"], tree["ent"]["id"]]
    assert published["categories"] == ["health_checkup"]
    assert published["eligibility"]["max_age"] == 40
    assert published["per_worker_limit"] == {"count": 1, "period_days": 365}
    assert published["waitlist"] is True
    assert published["sessions"][0]["capacity"] == 10 and published["sessions"][0]["session_id"]
    assert [e.data["revision"] for e in evs] == sorted(e.data["revision"] for e in evs)
    assert evs[1].data["title"] == "新标题" and evs[2].data["status"] == "closed"


def test_a_refused_change_publishes_nothing(client, admin, unions, pump, redis_client, configs):
    tree = unions
    offer = make_offer(client, admin, tree["sip"]["id"])
    pump()
    before = len(events(redis_client, configs))
    client.patch(f"/catalog/offers/{offer['id']}", {"kind": "rest_trip"}, token=admin)  # 409
    pump()
    assert len(events(redis_client, configs)) == before
