"""Logs nobody can forge, with no tokens or phone numbers, plain or JSON, carrying the request id."""
import io
import json
import logging
from dataclasses import replace

import pytest

from shared.api import Blueprint
from shared.app import create_service_app
from shared.config import ConfigError, load_settings
from shared.logs import PlainFormatter, PLAIN, RedactFilter, json_formatter, mask, setup_logging


@pytest.fixture
def captured():
    """Our handler (formatter + filter) on the root logger, writing to a buffer."""
    def attach(fmt="plain"):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(json_formatter() if fmt == "json" else PlainFormatter(PLAIN))
        handler.addFilter(RedactFilter())
        root = logging.getLogger()
        root.addHandler(handler)
        old_level = root.level
        root.setLevel(logging.INFO)
        handlers.append((handler, old_level))
        return stream

    handlers = []
    yield attach
    for handler, level in handlers:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(level)


def test_a_path_with_a_line_break_cannot_forge_a_log_line(client, captured):
    out = captured()
    resp = client.get("/catalog/offers/abc%0A2026-11-25%2012:00:00,000%20INFO%20FORGED")
    assert resp.status_code == 400
    lines = out.getvalue().splitlines()
    assert lines and not any(line.startswith("2026-11-25 12:00:00,000 INFO FORGED") for line in lines)
    assert not any("FORGED" in line and "unionhub.http" not in line for line in lines)


def test_every_control_character_is_escaped_and_tracebacks_are_marked(captured):
    out = captured()
    log = logging.getLogger("unionhub.test")
    log.warning("a\nb\rc\x00d\x1b[2J\u2028e %s", "f\ng")
    try:
        raise ValueError("boom\n2026-11-25 12:00:00,000 INFO FORGED")
    except ValueError:
        log.exception("failed")
    text = out.getvalue()
    assert "a\\nb\\rc\\x00d\\x1b[2J\\u2028e f\\ng" in text
    lines = text.splitlines()
    assert all(line.startswith("| ") or line[:4].isdigit() for line in lines), lines
    assert any(line.startswith("| ValueError: boom") for line in lines)
    assert not any(line.startswith("2026-11-25 12:00:00,000 INFO FORGED") for line in lines)


@pytest.mark.parametrize("raw, shown", [
    ("call 13812345678 now", "call 138****5678 now"),
    ("tel:+86 19912345678.", "tel:+86 199****5678."),
    ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [token]"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3In0.sig_nature-x end", "token [token] end"),
])
def test_phone_numbers_and_tokens_are_masked(raw, shown):
    assert mask(raw) == shown


def test_numbers_that_are_not_mobile_numbers_are_left_alone():
    for raw in ("12345678901", "213812345678", "138123456789", "order 2026112512 took 13.5 ms"):
        assert mask(raw) == raw


def test_masking_holds_in_messages_arguments_and_tracebacks(captured):
    out = captured()
    log = logging.getLogger("unionhub.test")
    log.info("worker %s phoned", "13912345678")
    try:
        raise RuntimeError("duplicate key (phone)=(13712345678) Bearer eyJa.eyJb.c")
    except RuntimeError:
        log.exception("insert failed")
    text = out.getvalue()
    assert "13912345678" not in text and "13712345678" not in text and "eyJa.eyJb" not in text
    assert "139****5678" in text and "137****5678" in text


def test_json_logs_are_one_object_per_line_with_the_request_id(client, captured):
    out = captured("json")
    client.get("/booking/sessions/x%0Ay", headers={"X-Request-Id": "rid-json-1"})
    client.get("/catalog/offers?q=13812345678")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    http = [r for r in records if r["logger"] == "unionhub.http"]
    assert http[0]["request_id"] == "rid-json-1" and "\n" in http[0]["message"]  # escaped by JSON, one line
    assert {"time", "level", "logger", "message", "request_id"} <= set(http[0])
    assert http[1]["request_id"] != "-"
    assert "13812345678" not in out.getvalue()


def test_a_500_carries_the_request_id_in_its_body_header_and_log_line(configs, captured):
    blp = Blueprint("boom", __name__, url_prefix="/boom")

    @blp.route("/")
    def boom():
        raise RuntimeError("something broke")

    app = create_service_app(replace(configs["catalog"], name="boom"), title="boom", blueprints=[blp])
    out = captured()
    for given in ({}, {"X-Request-Id": "gw-500"}):
        resp = app.test_client().get("/boom/", headers=given)
        assert resp.status_code == 500
        body = resp.get_json(force=True)
        rid = resp.headers["X-Request-Id"]
        assert body["request_id"] == rid and rid in body["detail"] and rid != "-"
        if given:
            assert rid == "gw-500"
        logged = [line for line in out.getvalue().splitlines() if "unhandled error" in line]
        assert f"rid={rid}" in logged[-1]


def test_log_format_is_checked_at_start_up():
    assert load_settings({"LOG_FORMAT": "json"}).log_format == "json"
    assert load_settings({}).log_format == "plain"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_settings({"LOG_FORMAT": "xml"})


def test_setup_logging_installs_one_masked_escaping_handler():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("INFO", "json")
        (handler,) = root.handlers
        assert any(isinstance(f, RedactFilter) for f in handler.filters)
        record = logging.makeLogRecord({"msg": "x\ny 13812345678", "levelname": "INFO", "name": "t"})
        line = handler.format(record) if handler.filter(record) else ""
        assert json.loads(line)["message"] == "x\ny 138****5678" and "\n" not in line
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
