"""catalog: publish union.created for the unions that exist already

Unions created before catalog published union events (the demo's, in a
database loaded earlier) reach matching's union read model through this
backfill: one outbox row per union, parents first. No schema change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:40:00
"""
import json
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import shared.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    unions = conn.execute(sa.text(
        "SELECT id, name, district, parent_id, path FROM catalog_unions ORDER BY length(path), path")).all()
    outbox = sa.table("catalog_outbox", sa.column("event_id"), sa.column("type"), sa.column("source"),
                      sa.column("occurred_at", shared.db.UTCDateTime()), sa.column("payload"))
    now = datetime.now(timezone.utc)
    rows = [{"event_id": uuid.uuid4().hex, "type": "union.created", "source": "catalog", "occurred_at": now,
             "payload": json.dumps({"union_id": u.id, "name": u.name, "district": u.district,
                                    "parent_id": u.parent_id, "path": [p for p in u.path.split("/") if p]},
                                   ensure_ascii=False)}
            for u in unions]
    if rows:
        op.bulk_insert(outbox, rows)


def downgrade() -> None:
    pass  # events already published cannot be taken back; unpublished ones are harmless
