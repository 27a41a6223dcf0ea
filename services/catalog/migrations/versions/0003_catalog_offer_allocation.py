"""catalog: an offer's allocation (first come or ballot) and the ballot's secret seed

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('catalog_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocation', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ballot_seed', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('catalog_offers', schema=None) as batch_op:
        batch_op.drop_column('ballot_seed')
        batch_op.drop_column('allocation')
