"""The accounts part of the configuration: its database, the SMS gateway, trusted proxies."""
import ipaddress

import pytest

from shared.config import SERVICES, ConfigError, load_settings

SMS = {"SMS_GATEWAY_URL": "https://sms.example.cn/send", "SMS_API_KEY": "k", "SMS_SIGN_NAME": "苏州工会",
       "SMS_TEMPLATE_ID": "T1"}


def test_accounts_is_a_service_with_its_own_database(tmp_path):
    assert "accounts" in SERVICES
    s = load_settings({"DATA_DIR": str(tmp_path)})
    assert s.database_urls["accounts"] == f"sqlite:///{tmp_path / 'accounts.db'}"
    assert load_settings({"ACCOUNTS_DATABASE_URL": "postgresql://u@h/a"}).database_urls["accounts"] \
        .startswith("postgresql+psycopg://")
    with pytest.raises(ConfigError, match="ACCOUNTS_DATABASE_URL"):
        load_settings({"ACCOUNTS_DATABASE_URL": "mysql://x@y/z"})


def test_no_gateway_means_the_log_sender():
    s = load_settings({})
    assert s.sms is None and s.service("accounts").sms is None
    assert s.service("catalog").sms is None and s.service("catalog").trusted_proxies is None


def test_gateway_settings_reach_the_accounts_service():
    sms = load_settings(SMS).service("accounts").sms
    assert (sms.url, sms.api_key, sms.sign_name, sms.template_id) == ("https://sms.example.cn/send", "k", "苏州工会", "T1")


@pytest.mark.parametrize("env, word", [
    ({**SMS, "SMS_GATEWAY_URL": "sms.example.cn/send"}, "SMS_GATEWAY_URL"),
    ({**SMS, "SMS_GATEWAY_URL": "ftp://sms.example.cn/"}, "SMS_GATEWAY_URL"),
    ({**SMS, "SMS_GATEWAY_URL": "https://"}, "SMS_GATEWAY_URL"),
    ({**SMS, "SMS_API_KEY": ""}, "SMS_API_KEY"),
    ({**SMS, "SMS_SIGN_NAME": " "}, "SMS_SIGN_NAME"),
    ({**SMS, "SMS_TEMPLATE_ID": ""}, "SMS_TEMPLATE_ID"),
    ({"TRUSTED_PROXIES": "10.0.0.0/8,not-an-address"}, "TRUSTED_PROXIES"),
])
def test_bad_values_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        load_settings(env)


def test_trusted_proxies():
    assert load_settings({}).trusted_proxies == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    assert load_settings({"TRUSTED_PROXIES": "10.0.0.0/8, 172.16.0.0/12"}).trusted_proxies == \
        (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("172.16.0.0/12"))
    assert load_settings({"TRUSTED_PROXIES": ""}).trusted_proxies == ()


def test_cli_stops_on_a_bad_gateway_url(monkeypatch):
    from services.cli import main

    monkeypatch.setenv("SMS_GATEWAY_URL", "nonsense")
    with pytest.raises(SystemExit) as info:
        main(["token", "--role", "admin"])
    assert "SMS_GATEWAY_URL" in str(info.value)
