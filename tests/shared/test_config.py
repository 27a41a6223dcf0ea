"""Config is read once from the environment; bad values stop start-up with a clear message."""
import pytest

from shared.config import ConfigError, load_settings


def test_defaults(tmp_path):
    s = load_settings({"DATA_DIR": str(tmp_path)})
    assert s.port == 8000 and s.demo is True and s.redis_url is None and s.jwt_secret_is_default
    assert s.database_urls["booking"] == f"sqlite:///{tmp_path / 'booking.db'}"


def test_postgres_urls_use_psycopg3():
    s = load_settings({"CATALOG_DATABASE_URL": "postgresql://u@h/db"})
    assert s.database_urls["catalog"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("env, word", [
    ({"PORT": "eighty"}, "PORT"),
    ({"PORT": "70000"}, "PORT"),
    ({"DEMO": "maybe"}, "DEMO"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ({"BOOKING_DATABASE_URL": "mysql://x@y/z"}, "BOOKING_DATABASE_URL"),
    ({"MATCHING_DATABASE_URL": "::nonsense::"}, "MATCHING_DATABASE_URL"),
    ({"JWT_SECRET": "short"}, "JWT_SECRET"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
])
def test_bad_values_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        load_settings(env)


def test_cli_exits_cleanly_on_bad_config(monkeypatch):
    from services.cli import main

    monkeypatch.setenv("PORT", "x")
    with pytest.raises(SystemExit) as info:
        main(["token", "--role", "admin"])
    assert "PORT" in str(info.value)


def test_demo_may_be_campaign_sized():
    s = load_settings({"DEMO": "campaign"})
    assert s.demo is True and s.demo_scale == "campaign"
    assert load_settings({"DEMO": "1"}).demo_scale == "small"
    assert load_settings({"DEMO": "0"}).demo is False
