"""booking: ballots (applications, draws, entries), open needs read model, active statuses

A worker's one active booking per session now also counts `applied`, `offered` and `no_show`:
the partial unique index is made again with the longer list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import shared.db

OLD_ACTIVE = "status IN ('confirmed', 'waitlisted', 'attended')"
NEW_ACTIVE = "status IN ('confirmed', 'waitlisted', 'attended', 'applied', 'offered', 'no_show')"


def _active_index(batch_op, where: str) -> None:
    batch_op.create_index('uq_booking_bookings_active', ['session_id', 'worker_id'], unique=True,
                          postgresql_where=sa.text(where), sqlite_where=sa.text(where))


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_bookings_active')
        _active_index(batch_op, NEW_ACTIVE)
        batch_op.create_index('ix_booking_bookings_no_show', ['worker_id', 'session_starts_at'], unique=False,
                              postgresql_where=sa.text("status = 'no_show'"),
                              sqlite_where=sa.text("status = 'no_show'"))
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
                              postgresql_where=sa.text('accept_by IS NOT NULL'),
                              sqlite_where=sa.text('accept_by IS NOT NULL'))
        batch_op.create_index('ix_booking_ballot_entries_rank', ['session_id', 'rank'], unique=False)

    op.create_table('booking_draws',
    sa.Column('session_id', sa.String(length=40), nullable=False),
    sa.Column('offer_id', sa.String(length=40), nullable=False),
    sa.Column('drawn_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('drawn_by', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('seed_sha256', sa.String(length=64), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('applicants', sa.Integer(), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_booking_draws'))
    )
    op.create_table('booking_open_needs',
    sa.Column('worker_id', sa.String(length=64), nullable=False),
    sa.Column('categories', sa.String(length=400), nullable=False),
    sa.Column('as_of', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('worker_id', name=op.f('pk_booking_open_needs'))
    )
    with op.batch_alter_table('booking_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('categories', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('allocation', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ballot_seed', sa.String(length=64), nullable=True))

    with op.batch_alter_table('booking_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mode', sa.String(length=16), server_default='first_come', nullable=False))
        batch_op.add_column(sa.Column('applications_open_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('applications_close_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('applied', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('offered', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('drawn_at', shared.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('booking_sessions', schema=None) as batch_op:
        batch_op.drop_column('drawn_at')
        batch_op.drop_column('offered')
        batch_op.drop_column('applied')
        batch_op.drop_column('applications_close_at')
        batch_op.drop_column('applications_open_at')
        batch_op.drop_column('mode')
        batch_op.drop_column('ends_at')

    with op.batch_alter_table('booking_offers', schema=None) as batch_op:
        batch_op.drop_column('ballot_seed')
        batch_op.drop_column('allocation')
        batch_op.drop_column('categories')
        batch_op.drop_column('kind')

    op.drop_table('booking_open_needs')
    op.drop_table('booking_draws')
    with op.batch_alter_table('booking_ballot_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_ballot_entries_rank')
        batch_op.drop_index('ix_booking_ballot_entries_due')

    op.drop_table('booking_ballot_entries')
    with op.batch_alter_table('booking_bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_bookings_no_show')
        batch_op.drop_index('uq_booking_bookings_active')
        _active_index(batch_op, OLD_ACTIVE)
