"""Alembic environment for accounts (see shared.migrate)."""
from alembic import context

from services.accounts.models import Base
from shared.migrate import run_migrations_online

run_migrations_online(context, Base.metadata, "accounts")
