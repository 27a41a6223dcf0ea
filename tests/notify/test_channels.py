"""The channel adapters against local fake servers, and how the settings pick them."""
from __future__ import annotations

import logging

import pytest

from services.notify.channels import LogChannel, SendFailed, SmsChannel, WeChatChannel, build_channels
from services.notify.texts import Message
from shared.config import ConfigError, NotifySettings, SmsSettings, WeChatSettings, load_settings
from tests.notify.fakes import SEND_PATH, SMS_PATH, TOKEN_PATH, sms_gateway, wechat_api

MESSAGE = Message("booking.confirmed", "报名成功", "你已报名「太湖疗休养」。", "/bookings/b1")


@pytest.fixture
def gateway():
    fake = sms_gateway()
    yield fake
    fake.close()


@pytest.fixture
def wechat():
    fake = wechat_api()
    yield fake
    fake.close()


def sms_settings(base, timeout=5.0):
    return SmsSettings(url=base + SMS_PATH, api_key="k-1", sign_name="苏州工会", template_id="CODE", timeout=timeout)


def wechat_settings(base, timeout=5.0):
    return WeChatSettings(app_id="wxAPP", app_secret="s3cret", template_id="TPL-1", api_base=base, timeout=timeout)


def test_sms_goes_through_the_gateway_with_the_notification_template(gateway, caplog):
    caplog.set_level(logging.INFO)
    SmsChannel(sms_settings(gateway.base), "NOTE-1").send("+8613812345678", MESSAGE)
    (req,) = gateway.received
    assert req["headers"]["Authorization"] == "Bearer k-1"
    assert req["body"] == {"phone": "+8613812345678", "sign_name": "苏州工会", "template_id": "NOTE-1",
                           "params": {"title": "报名成功", "body": "你已报名「太湖疗休养」。"}}
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


@pytest.mark.parametrize("status, permanent", [(500, False), (503, False), (429, False), (400, True), (401, True)])
def test_sms_failures_say_whether_to_try_again(gateway, caplog, status, permanent):
    gateway.then(SMS_PATH, (status, {}))
    with pytest.raises(SendFailed) as info:
        SmsChannel(sms_settings(gateway.base), "NOTE-1").send("+8613812345678", MESSAGE)
    assert info.value.reason == f"HTTP {status}" and info.value.permanent is permanent
    assert "13812345678" not in caplog.text


def test_sms_timeout_is_a_failure_to_try_again(gateway):
    gateway.delay = 1.0
    with pytest.raises(SendFailed) as info:
        SmsChannel(sms_settings(gateway.base, timeout=0.2), "NOTE-1").send("+8613812345678", MESSAGE)
    assert "ReadTimeout" in info.value.reason and not info.value.permanent


def test_wechat_fetches_a_token_once_and_sends_the_template(wechat):
    channel = WeChatChannel(wechat_settings(wechat.base), public_url="https://hub.example.cn")
    channel.send("oWORKER1", MESSAGE)
    channel.send("oWORKER2", MESSAGE)
    (token_req,) = wechat.requests(TOKEN_PATH)
    assert token_req["query"] == {"grant_type": "client_credential", "appid": "wxAPP", "secret": "s3cret"}
    sends = wechat.requests(SEND_PATH)
    assert [r["query"]["access_token"] for r in sends] == ["TOKEN-1", "TOKEN-1"]
    body = sends[0]["body"]
    assert body["touser"] == "oWORKER1" and body["template_id"] == "TPL-1"
    assert body["url"] == "https://hub.example.cn/bookings/b1"
    assert body["data"]["first"]["value"] == "报名成功" and body["data"]["remark"]["value"] == MESSAGE.body


def test_wechat_token_is_fetched_again_when_it_expires(wechat):
    now = [0.0]
    channel = WeChatChannel(wechat_settings(wechat.base), clock=lambda: now[0])
    wechat.then(TOKEN_PATH, (200, {"access_token": "A", "expires_in": 7200}), (200, {"access_token": "B", "expires_in": 7200}))
    channel.send("oWORKER1", MESSAGE)
    now[0] = 7200 - 299  # within the margin: fetched anew
    channel.send("oWORKER1", MESSAGE)
    assert [r["query"]["access_token"] for r in wechat.requests(SEND_PATH)] == ["A", "B"]


def test_wechat_token_the_server_calls_expired_is_fetched_again_once(wechat):
    wechat.then(TOKEN_PATH, (200, {"access_token": "OLD", "expires_in": 7200}), (200, {"access_token": "NEW", "expires_in": 7200}))
    wechat.then(SEND_PATH, (200, {"errcode": 42001, "errmsg": "access_token expired"}))
    WeChatChannel(wechat_settings(wechat.base)).send("oWORKER1", MESSAGE)
    assert [r["query"]["access_token"] for r in wechat.requests(SEND_PATH)] == ["OLD", "NEW"]


@pytest.mark.parametrize("errcode, permanent", [(43004, True), (40003, True), (-1, False), (45009, False)])
def test_wechat_refusals(wechat, errcode, permanent):
    wechat.then(SEND_PATH, (200, {"errcode": errcode, "errmsg": "no"}))
    with pytest.raises(SendFailed) as info:
        WeChatChannel(wechat_settings(wechat.base)).send("oWORKER1", MESSAGE)
    assert info.value.reason == f"errcode {errcode}" and info.value.permanent is permanent


def test_wechat_without_a_token_or_answer(wechat):
    wechat.then(TOKEN_PATH, (200, {"errcode": 40013, "errmsg": "invalid appid"}))
    with pytest.raises(SendFailed, match="no access_token"):
        WeChatChannel(wechat_settings(wechat.base)).send("oWORKER1", MESSAGE)
    wechat.then(SEND_PATH, (502, {}))
    with pytest.raises(SendFailed) as info:
        WeChatChannel(wechat_settings(wechat.base)).send("oWORKER1", MESSAGE)
    assert info.value.reason == "HTTP 502" and not info.value.permanent


def test_log_channel_masks_the_address(caplog):
    caplog.set_level(logging.INFO)
    LogChannel("sms").send("+8613812345678", MESSAGE)
    LogChannel("wechat").send("oWORKERopenid", MESSAGE)
    assert "138****5678" in caplog.text and "oWOR***" in caplog.text
    assert "13812345678" not in caplog.text and "oWORKERopenid" not in caplog.text


SMS = {"SMS_GATEWAY_URL": "https://sms.example.cn/send", "SMS_API_KEY": "k", "SMS_SIGN_NAME": "苏州工会",
       "SMS_TEMPLATE_ID": "T1"}
WECHAT = {"WECHAT_APP_ID": "wxAPP", "WECHAT_APP_SECRET": "s", "WECHAT_TEMPLATE_ID": "TPL"}


def test_settings_pick_the_channels():
    settings = load_settings({})
    assert settings.service("notify").notify == NotifySettings()
    channels = build_channels(settings.sms, settings.notify)
    assert {k: type(v) for k, v in channels.items()} == {"sms": LogChannel, "wechat": LogChannel}
    assert isinstance(build_channels(load_settings(SMS).sms, load_settings(SMS).notify)["sms"], LogChannel)
    both = load_settings({**SMS, **WECHAT, "NOTIFY_SMS_TEMPLATE_ID": "N1", "NOTIFY_DAILY_CAP": "3",
                          "NOTIFY_MAX_ATTEMPTS": "4", "NOTIFY_RETRY_SECONDS": "30",
                          "PUBLIC_BASE_URL": "https://hub.example.cn/"})
    channels = build_channels(both.sms, both.notify)
    assert isinstance(channels["sms"], SmsChannel) and isinstance(channels["wechat"], WeChatChannel)
    n = both.service("notify").notify
    assert (n.daily_cap, n.max_attempts, n.retry_seconds, n.public_url) == (3, 4, 30.0, "https://hub.example.cn")
    assert n.wechat.api_base == "https://api.weixin.qq.com"


@pytest.mark.parametrize("env, word", [
    ({"NOTIFY_SMS_TEMPLATE_ID": "N1"}, "SMS_GATEWAY_URL"),
    ({"WECHAT_APP_ID": "wx"}, "WECHAT_APP_SECRET"),
    ({**WECHAT, "WECHAT_TEMPLATE_ID": " "}, "WECHAT_TEMPLATE_ID"),
    ({**WECHAT, "WECHAT_API_BASE": "api.weixin.qq.com"}, "WECHAT_API_BASE"),
    ({"NOTIFY_DAILY_CAP": "five"}, "NOTIFY_DAILY_CAP"),
    ({"NOTIFY_DAILY_CAP": "-1"}, "NOTIFY_DAILY_CAP"),
    ({"NOTIFY_MAX_ATTEMPTS": "0"}, "NOTIFY_MAX_ATTEMPTS"),
    ({"NOTIFY_RETRY_SECONDS": "1.5"}, "NOTIFY_RETRY_SECONDS"),
    ({"PUBLIC_BASE_URL": "hub.example.cn"}, "PUBLIC_BASE_URL"),
    ({"NOTIFY_DATABASE_URL": "mysql://x@y/z"}, "NOTIFY_DATABASE_URL"),
])
def test_bad_notify_settings_stop_start_up(env, word):
    with pytest.raises(ConfigError, match=word):
        load_settings(env)
