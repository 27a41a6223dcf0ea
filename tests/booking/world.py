"""A published offer known to booking, and workers with profiles."""
from tests.factories import iso, make_offer, make_profile, union_tree


def build(client, admin, token, pump, workers=("w1", "w2", "w3", "w4"), capacity=2, **offer):
    tree = union_tree(client, admin)
    sessions = offer.pop("sessions", [{"starts_at": iso(3), "ends_at": iso(3, 2), "capacity": capacity}])
    made = make_offer(client, admin, offer.pop("union", tree["sip"]["id"]), sessions=sessions, **offer)
    for w in workers:
        make_profile(client, admin, w)
    pump()
    return {"tree": tree, "offer": made, "session": made["sessions"][0]["id"],
            "staff": token("staff", union=tree["sip"]["id"]), "other_staff": token("staff", union=tree["gusu"]["id"]),
            "tokens": {w: token("worker", w) for w in workers}}


def book(client, tok, session_id, worker_id=None, key=None):
    body = {"session_id": session_id}
    if worker_id:
        body["worker_id"] = worker_id
    return client.post("/booking/bookings", body, token=tok, headers={"Idempotency-Key": key} if key else None)
