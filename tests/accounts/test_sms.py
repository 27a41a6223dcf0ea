"""The SMS gateway adapter against a fake gateway: a tiny HTTP server on 127.0.0.1."""
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.accounts.senders import SmsGatewaySender, build_sender, LogSender
from shared.config import SmsSettings
from shared.errors import Unavailable
from tests.helpers import assert_problem


class FakeGateway:
    """Records every request; answers with `status` (or hangs for `delay` seconds first)."""

    def __init__(self):
        self.received = []
        self.status = 200
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                time.sleep(gateway.delay)
                payload = b'{"ok": true}'
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.close()


def settings(url, timeout=5.0):
    return SmsSettings(url=url, api_key="k-123", sign_name="苏州工会", template_id="SMS_001", timeout=timeout)


def test_sends_the_code_as_the_gateway_expects(gateway):
    SmsGatewaySender(settings(gateway.url)).send_code("+8613812345678", "042917")
    (request,) = gateway.received
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer k-123"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["body"] == {"phone": "+8613812345678", "sign_name": "苏州工会", "template_id": "SMS_001",
                               "params": {"code": "042917"}}


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_a_refusal_is_sms_unavailable_logged_without_the_number(gateway, caplog, status):
    gateway.status = status
    with pytest.raises(Unavailable) as info:
        SmsGatewaySender(settings(gateway.url)).send_code("+8613812345678", "042917")
    assert info.value.status == 503 and info.value.slug == "sms-unavailable"
    assert f"HTTP {status}" in caplog.text
    assert "13812345678" not in caplog.text and "042917" not in caplog.text


def test_a_gateway_that_does_not_answer_in_time(gateway, caplog):
    gateway.delay = 1.0
    started = time.monotonic()
    with pytest.raises(Unavailable):
        SmsGatewaySender(settings(gateway.url, timeout=0.2)).send_code("+8613812345678", "042917")
    assert time.monotonic() - started < 0.9
    assert "ReadTimeout" in caplog.text and "13812345678" not in caplog.text


def test_a_gateway_that_is_not_there(caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nothing listens there
    with pytest.raises(Unavailable):
        SmsGatewaySender(settings(f"http://127.0.0.1:{port}/")).send_code("+8613812345678", "042917")
    assert "ConnectError" in caplog.text


def test_the_sender_follows_the_configuration(gateway):
    assert isinstance(build_sender(None), LogSender)
    assert isinstance(build_sender(settings(gateway.url)), SmsGatewaySender)


def test_through_the_api(client, acc, gateway, caplog):
    caplog.set_level(logging.INFO)
    acc.sender = SmsGatewaySender(settings(gateway.url))
    resp = client.post("/accounts/codes", {"phone": "138 1234 5678"})
    assert resp.status_code == 202 and "demo_code" not in resp.get_json()
    code = gateway.received[0]["body"]["params"]["code"]
    assert gateway.received[0]["body"]["phone"] == "+8613812345678"
    assert client.post("/accounts/sessions/code", {"phone": "13812345678", "code": code}).status_code == 200
    gateway.status = 500
    resp = client.post("/accounts/codes", {"phone": "13912345678"})
    assert_problem(resp, 503, "sms-unavailable")
    assert "1391234" not in caplog.text and "1381234" not in caplog.text
