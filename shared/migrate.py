"""Bring a service's schema up to date with its Alembic migrations."""
from __future__ import annotations

import importlib
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

log = logging.getLogger("unionhub.migrate")


def alembic_config(service: str, database_url: str) -> Config:
    package = importlib.import_module(f"services.{service}")
    script_location = Path(package.__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    log.info("migrating %s to head", service)
    command.upgrade(alembic_config(service, database_url), "head")


def run_migrations_online(context, metadata, service: str) -> None:
    """The body of every service's migrations/env.py."""
    from sqlalchemy import engine_from_config, pool

    cfg = context.config
    connectable = cfg.attributes.get("connection")
    kwargs = dict(target_metadata=metadata, version_table=f"{service}_alembic_version",
                  render_as_batch=True, compare_type=True,
                  include_name=lambda name, type_, _parent: type_ != "table" or name.startswith(f"{service}_"))
    if connectable is not None:
        context.configure(connection=connectable, **kwargs)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(cfg.get_section(cfg.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **kwargs)
        with context.begin_transaction():
            context.run_migrations()
