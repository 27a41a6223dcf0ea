"""booking: a ballot entry lives on its booking row (the draw writes each applicant once)

The draw used to insert one booking_ballot_entries row per applicant and then update the same
applicant's booking: two writes of every one of 100,000 applicants. The entry's columns move to
booking_bookings (ballot_*, accept_by), filled from the entries, and the entries table goes.
The index on (offer_id, status) goes too: an offer's bookings are found by its sessions, and each
index of booking_bookings costs every row the draw writes. For the same reason the one-active-booking-
per-session index leaves out drawn rows (a drawn session takes no more bookings). The outbox's payloads
are compressed with lz4 on PostgreSQL (a draw writes some 200 events of 50 kB each).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 13:30:00
"""
from alembic import op
import sqlalchemy as sa
import shared.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# booking_bookings column <- booking_ballot_entries column
MOVED = {'ballot_applicant': 'applicant', 'ballot_open_need': 'open_need',
         'ballot_not_served_recently': 'not_served_recently', 'ballot_priority_category': 'priority_category',
         'ballot_no_shows': 'no_shows', 'ballot_weight': 'weight', 'ballot_rank': 'rank',
         'ballot_in_quotas': 'in_quotas', 'ballot_result': 'result', 'ballot_quota': 'quota',
         'accept_by': 'accept_by'}
DUE = sa.text('accept_by IS NOT NULL')
ACTIVE = "status IN ('confirmed', 'waitlisted', 'attended', 'applied', 'offered', 'no_show')"
UNDRAWN_ACTIVE = ACTIVE + " AND ballot_rank IS NULL"


def _active_index(batch_op, where: str) -> None:
    batch_op.create_index('uq_booking_bookings_active', ['session_id', 'worker_id'], unique=True,
                          postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def _has_lz4() -> bool:
    """PostgreSQL built with lz4 (Debian's and the official images are)."""
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and bool(bind.exec_driver_sql(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)").first())


def _columns():
    return [sa.Column('ballot_applicant', sa.String(length=16), nullable=True),
            sa.Column('ballot_u', sa.Float(), nullable=True),
            sa.Column('ballot_open_need', sa.Boolean(), nullable=True),
            sa.Column('ballot_not_served_recently', sa.Boolean(), nullable=True),
            sa.Column('ballot_priority_category', sa.Boolean(), nullable=True),
            sa.Column('ballot_no_shows', sa.Integer(), nullable=True),
            sa.Column('ballot_weight', sa.Float(), nullable=True),
            sa.Column('ballot_rank', sa.Integer(), nullable=True),
            sa.Column('ballot_in_quotas', sa.String(length=40), nullable=True),
            sa.Column('ballot_result', sa.String(length=16), nullable=True),
            sa.Column('ballot_quota', sa.Integer(), nullable=True),
            sa.Column('accept_by', shared.db.UTCDateTime(timezone=True), nullable=True)]


def upgrade() -> None:
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:
        for column in _columns():
            batch_op.add_column(column)
        batch_op.create_index('ix_booking_bookings_accept_by', ['accept_by'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
        batch_op.drop_index('ix_booking_bookings_offer')
    sets = ", ".join(f"{to} = (SELECT e.{frm} FROM booking_ballot_entries e WHERE e.booking_id = booking_bookings.id)"
                     for to, frm in MOVED.items())
    op.execute(f"UPDATE booking_bookings SET {sets} "
               "WHERE id IN (SELECT booking_id FROM booking_ballot_entries)")
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:  # drawn rows leave the index
        batch_op.drop_index('uq_booking_bookings_active')
        _active_index(batch_op, UNDRAWN_ACTIVE)
    if _has_lz4():  # the draw's batches of losers: lz4 packs them several times faster than pglz
        op.execute("ALTER TABLE booking_outbox ALTER COLUMN payload SET COMPRESSION lz4")
    with op.batch_alter_table('booking_ballot_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_ballot_entries_rank')
        batch_op.drop_index('ix_booking_ballot_entries_due')
    op.drop_table('booking_ballot_entries')


def downgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE booking_outbox ALTER COLUMN payload SET COMPRESSION default")
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_bookings_active')
        _active_index(batch_op, ACTIVE)
    op.create_table('booking_ballot_entries',
    sa.Column('booking_id', sa.String(length=40), nullable=False),
    sa.Column('session_id', sa.String(length=40), nullable=False),
    sa.Column('applicant', sa.String(length=16), nullable=False),
    sa.Column('open_need', sa.Boolean(), nullable=False),
    sa.Column('not_served_recently', sa.Boolean(), nullable=False),
    sa.Column('priority_category', sa.Boolean(), nullable=False),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('in_quotas', sa.String(length=40), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('accept_by', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_booking_ballot_entries'))
    )
    with op.batch_alter_table('booking_ballot_entries', schema=None) as batch_op:
        batch_op.create_index('ix_booking_ballot_entries_due', ['accept_by'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
        batch_op.create_index('ix_booking_ballot_entries_rank', ['session_id', 'rank'], unique=False)
    op.execute(f"INSERT INTO booking_ballot_entries (booking_id, session_id, {', '.join(MOVED.values())}) "
               f"SELECT id, session_id, {', '.join(MOVED)} FROM booking_bookings WHERE ballot_applicant IS NOT NULL")
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_booking_bookings_offer', ['offer_id', 'status'], unique=False)
        batch_op.drop_index('ix_booking_bookings_accept_by')
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
