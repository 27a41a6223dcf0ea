"""Alembic environment for matching (see shared.migrate)."""
from alembic import context

from services.matching.models import Base
from shared.migrate import run_migrations_online

run_migrations_online(context, Base.metadata, "matching")
