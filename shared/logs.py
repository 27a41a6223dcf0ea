"""One log set-up for every process: plain lines (time, level, logger, message) or JSON.

Whatever a record carries, one record is one line that nobody can forge: the
formatter escapes control characters in the message (a client's "\\n2026-... INFO"
stays on its line) and marks every line of a traceback with "| ". A filter on
the handler masks what looks like a mainland mobile number or a token, a
safety net under the rule that personal data is never logged. Each record
carries the request id (`request_id`, "-" outside a request).
"""
from __future__ import annotations

import logging
import re
import sys

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s,;\"']+")
_JWT = re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]*")

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def escape_controls(text: str) -> str:
    """Control characters (line breaks included) as visible escapes: \\n, \\x00, \\u2028."""
    def one(m: re.Match) -> str:
        ch = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
            f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")

    return _CONTROL.sub(one, text)


def mask(text: str) -> str:
    """Mobile numbers as 138****5678; Bearer tokens and JWTs as [token]."""
    text = _BEARER.sub(r"\1 [token]", text)
    text = _JWT.sub("[token]", text)
    return _PHONE.sub(r"\1****\2", text)


class RedactFilter(logging.Filter):
    """Mask phone numbers and tokens in a record's message, and attach the request id.
    (The formatters below mask their whole output too, tracebacks included.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if not hasattr(record, "request_id"):
            record.request_id = _request_id()
        return True


def _request_id() -> str:
    try:
        from flask import g, has_request_context

        return g.get("request_id", "-") if has_request_context() else "-"
    except ImportError:  # pragma: no cover - flask is a dependency of every process
        return "-"


class PlainFormatter(logging.Formatter):
    """The plain line, with the message escaped and each traceback line marked; all of it masked."""

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None  # our marked traceback, whatever another handler cached
        try:
            return mask(super().format(record))
        finally:
            record.exc_text = cached

    def formatMessage(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.message = escape_controls(record.message)
        return super().formatMessage(safe)

    def formatException(self, ei) -> str:
        return _mark_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _mark_lines(stack_info)


def _mark_lines(text: str) -> str:
    return "\n".join("| " + escape_controls(line) for line in text.split("\n"))


def json_formatter() -> logging.Formatter:
    """One JSON object per line (json escapes every control character): python-json-logger."""
    from pythonjsonlogger.json import JsonFormatter

    class MaskedJsonFormatter(JsonFormatter):
        def format(self, record: logging.LogRecord) -> str:
            return mask(super().format(record))

    return MaskedJsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "plain") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter() if fmt == "json" else PlainFormatter(PLAIN))
    handler.addFilter(RedactFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("waitress.queue", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
