"""Alembic environment for catalog (see shared.migrate)."""
from alembic import context

from services.catalog.models import Base
from shared.migrate import run_migrations_online

run_migrations_online(context, Base.metadata, "catalog")
