"""Every service's models and its Alembic migrations describe the same schema."""
import pytest
from alembic import command

from shared.config import SERVICES
from shared.migrate import alembic_config


@pytest.mark.parametrize("service", SERVICES)
def test_models_match_migrations(configs, service):
    command.check(alembic_config(service, configs[service].database_url))  # raises on any difference
