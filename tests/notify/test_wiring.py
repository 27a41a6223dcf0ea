"""Notify is registered as the other services are: config, migrations, runners, `events check`."""
from __future__ import annotations

from services import eventops, registry
from shared.config import SERVICES, load_settings


def test_notify_is_a_service_with_its_own_database(tmp_path):
    assert "notify" in SERVICES and registry.has_migrations("notify")
    settings = load_settings({"DATA_DIR": str(tmp_path), "NOTIFY_DATABASE_URL": "postgresql://u@h/n"})
    assert settings.database_urls["notify"] == "postgresql+psycopg://u@h/n"
    assert load_settings({"DATA_DIR": str(tmp_path)}).database_urls["notify"] == f"sqlite:///{tmp_path / 'notify.db'}"


def test_its_worker_consumes_and_polls_and_publishes_nothing(configs, dbs, redis_client):
    runners = registry.build_runners("notify", configs["notify"], db=dbs["notify"], redis=redis_client)
    assert [type(r).__name__ for r in runners] == ["Consumer", "Poller", "Poller"]
    assert sorted(r.name for r in runners[1:]) == ["notify-sends", "notify-timers"]
    assert "notify" not in eventops.outboxes()


def test_events_check_knows_what_notify_applies():
    inbox, wants = eventops.consumers()["notify"]
    assert inbox.name == "notify_inbox"
    assert {"offer.published", "union.created"} <= wants["catalog"]
    assert {"booking.confirmed", "booking.offered", "booking.cancelled", "session.waitlisted"} <= wants["booking"]
    assert {"offer.matches_need", "need.resolved", "need.escalated", "worker.erased"} <= wants["matching"]
