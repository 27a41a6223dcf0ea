"""An application keeps its pseudonym and u (fixed by the committed seed and the worker); the draw
uses them, and works them out for applications that did not keep them (made before they were kept)."""
from sqlalchemy import select, update

from services.booking.models import Booking, Offer
from shared import draw
from tests.booking.ballot_world import apply, build_ballot, close_window

WORKERS = tuple(f"k{i}" for i in range(12))


def test_the_application_keeps_its_pseudonym_and_u_and_the_draw_verifies_with_or_without_them(
        client, admin, token, pump, dbs):
    world = build_ballot(client, admin, token, pump, workers=WORKERS, capacity=4)
    sid = world["session"]
    made = {w: apply(client, world["tokens"][w], sid).get_json() for w in WORKERS}
    with dbs["booking"].transaction() as s:
        seed = s.scalar(select(Offer.ballot_seed).where(Offer.offer_id == world["offer"]["id"]))
        kept = {b.worker_id: (b.ballot_applicant, b.ballot_u, b.ballot_rank)
                for b in s.scalars(select(Booking).where(Booking.session_id == sid))}
        assert seed
        for w in WORKERS:
            who = draw.applicant(sid, w)
            assert kept[w] == (who, draw.uniform(seed, sid, who), None)  # kept, not drawn yet
            assert made[w]["ballot"]["applicant"] == who
        # Half of them as applications made before u was kept: the draw works theirs out.
        s.execute(update(Booking).where(Booking.worker_id.in_(WORKERS[::2])).values(ballot_u=None, ballot_applicant=None))
    close_window(dbs, sid)
    pump()
    doc = client.get(f"/booking/sessions/{sid}/draw").get_json()
    assert draw.verify(doc) == []
    assert [e["applicant"] for e in doc["order"]] == draw.order(seed, sid, {e["applicant"]: e["weight"] for e in doc["order"]})
    with dbs["booking"].transaction() as s:
        after = {b.worker_id: (b.ballot_applicant, b.ballot_u) for b in s.scalars(select(Booking).where(Booking.session_id == sid))}
    assert after == {w: kept[w][:2] for w in WORKERS}  # every drawn booking keeps its u, now all of them
