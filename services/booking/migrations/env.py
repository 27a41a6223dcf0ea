"""Alembic environment for booking (see shared.migrate)."""
from alembic import context

from services.booking.models import Base
from shared.migrate import run_migrations_online

run_migrations_online(context, Base.metadata, "booking")
