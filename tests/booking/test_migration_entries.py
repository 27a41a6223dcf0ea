"""Migration 0003 moves each ballot entry onto its booking row, and back on a downgrade."""
from alembic import command
from sqlalchemy import create_engine, text

from shared.migrate import alembic_config

BOOKING = ("INSERT INTO booking_bookings (id, session_id, offer_id, worker_id, status, waitlist_seq, "
           "session_starts_at, version, created_by, created_at, updated_at) VALUES "
           "(:id, 's1', 'o1', :worker, :status, :rank, '2026-12-20 01:00:00', 2, :worker, "
           "'2026-12-01 01:00:00', '2026-12-02 01:00:00')")
ENTRY = ("INSERT INTO booking_ballot_entries (booking_id, session_id, applicant, open_need, not_served_recently, "
         "priority_category, no_shows, weight, rank, in_quotas, quota, result, accept_by) VALUES "
         "(:id, 's1', :applicant, :open_need, 1, 0, :no_shows, :weight, :rank, :in_quotas, :quota, :status, :accept_by)")
ROWS = [
    {"id": "bkg_a", "worker": "wa", "status": "offered", "rank": 1, "applicant": "aaaa000011112222", "open_need": 1,
     "no_shows": 0, "weight": 4.0, "in_quotas": ",0,", "quota": 0, "accept_by": "2026-12-04 01:00:00.000000"},
    {"id": "bkg_b", "worker": "wb", "status": "waitlisted", "rank": 2, "applicant": "bbbb000011112222", "open_need": 0,
     "no_shows": 1, "weight": 1.0, "in_quotas": "", "quota": None, "accept_by": None},
]
MOVED = ("ballot_applicant, ballot_open_need, ballot_not_served_recently, ballot_priority_category, ballot_no_shows, "
         "ballot_weight, ballot_rank, ballot_in_quotas, ballot_result, ballot_quota, accept_by")


def test_entries_move_onto_bookings_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'booking.db'}"
    cfg = alembic_config("booking", url)
    command.upgrade(cfg, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        for row in ROWS:
            conn.execute(text(BOOKING), row)
            conn.execute(text(ENTRY), row)
        conn.execute(text(BOOKING), {"id": "bkg_c", "worker": "wc", "status": "confirmed", "rank": None})  # first come
    command.upgrade(cfg, "0003")
    with engine.connect() as conn:
        moved = {r[0]: tuple(r[1:]) for r in conn.execute(text(f"SELECT id, {MOVED} FROM booking_bookings"))}
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert moved["bkg_a"][:10] == ("aaaa000011112222", 1, 1, 0, 0, 4.0, 1, ",0,", "offered", 0)
    assert moved["bkg_a"][10].startswith("2026-12-04 01:00:00")
    assert moved["bkg_b"] == ("bbbb000011112222", 0, 1, 0, 1, 1.0, 2, "", "waitlisted", None, None)
    assert moved["bkg_c"] == (None,) * 11
    assert "booking_ballot_entries" not in tables
    command.downgrade(cfg, "0002")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT booking_id, applicant, rank, quota, result FROM booking_ballot_entries "
                                 "ORDER BY rank")).all()
    assert [tuple(r) for r in back] == [("bkg_a", "aaaa000011112222", 1, 0, "offered"),
                                        ("bkg_b", "bbbb000011112222", 2, None, "waitlisted")]
    engine.dispose()
