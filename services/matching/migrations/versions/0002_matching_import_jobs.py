"""matching: import jobs and their uploaded bytes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:00:00
"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matching_import_jobs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('union_id', sa.String(length=40), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('encoding', sa.String(length=16), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('rejected_total', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('lease_until', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_import_jobs'))
    )
    with op.batch_alter_table('matching_import_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_matching_import_jobs_status', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_matching_import_jobs_union', ['union_id', 'created_at'], unique=False)

    op.create_table('matching_import_chunks',
    sa.Column('job_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['matching_import_jobs.id'],
                            name=op.f('fk_matching_import_chunks_job_id_matching_import_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_matching_import_chunks'))
    )


def downgrade() -> None:
    op.drop_table('matching_import_chunks')
    with op.batch_alter_table('matching_import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_matching_import_jobs_union')
        batch_op.drop_index('ix_matching_import_jobs_status')
    op.drop_table('matching_import_jobs')
