"""The web's settings: one API URL (the gateway) or one per prefix (no gateway); bad values stop start-up."""
from __future__ import annotations

import pytest

from services.web.client import Api
from services.web.config import load_web_config
from shared.config import ConfigError

SECRET = "j" * 40


def test_defaults_derive_the_session_key_and_use_the_in_process_api():
    config = load_web_config(SECRET, {})
    assert config.api_url is None and config.api_urls == {} and not config.secure_cookies
    assert len(config.secret_key) == 64 and config.secret_key != SECRET
    assert load_web_config("k" * 40, {}).secret_key != config.secret_key


def test_one_gateway_url_or_one_url_per_prefix():
    assert load_web_config(SECRET, {"WEB_API_URL": "http://gateway:8000/"}).api_url == "http://gateway:8000"
    config = load_web_config(SECRET, {"WEB_API_URL": "catalog=http://127.0.0.1:8001, booking=http://127.0.0.1:8003"})
    api = Api(config.api_url, by_prefix=config.api_urls)
    assert api.url("/booking/bookings") == "http://127.0.0.1:8003/booking/bookings"
    assert api.url("/catalog/offers") == "http://127.0.0.1:8001/catalog/offers"


@pytest.mark.parametrize("env", [{"WEB_API_URL": "gateway:8000"}, {"WEB_API_URL": "http://a,http://b"},
                                 {"WEB_API_URL": "catalog=ftp://x"}, {"WEB_SECRET_KEY": "short"},
                                 {"WEB_SECURE_COOKIES": "yes"}])
def test_bad_values_name_the_variable(env):
    with pytest.raises(ConfigError, match=next(iter(env))):
        load_web_config(SECRET, env)
