"""Alembic environment for notify (see shared.migrate)."""
from alembic import context

from services.notify.models import Base
from shared.migrate import run_migrations_online

run_migrations_online(context, Base.metadata, "notify")
