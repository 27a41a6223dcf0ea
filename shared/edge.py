"""What the edge refuses before any view or database sees it.

Control characters (NUL above all: PostgreSQL cannot store it), lone
surrogates (not encodable as UTF-8), JSON nested too deep or with numbers no
field can hold. Each refusal is a 4xx problem, never a 500 from deeper down.
"""
from __future__ import annotations

import json
import math
import re

from .errors import BadRequest, ValidationFailed

# C0 controls, DEL, C1 controls, lone surrogates. Text fields in a JSON body may carry
# tab, line feed and carriage return (a need's words); paths, queries and headers may not.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

MAX_DEPTH = 32  # the deepest body the API takes is 4 levels; room for future shapes
MAX_INT_DIGITS = 19  # a signed 64-bit integer; no field holds more
NOT_ALLOWED = "Control characters (such as NUL) and lone surrogates (half of a UTF-16 pair) are not allowed."


def has_control(text: str, *, multiline: bool = False) -> bool:
    return (_CONTROL_IN_TEXT if multiline else _CONTROL).search(text) is not None


def valid_request_id(raw: str | None) -> bool:
    return raw is not None and _REQUEST_ID.fullmatch(raw) is not None


def check_path_and_query(path: str, args) -> None:
    """400 for a control character in the path; 422 naming the query parameter for one in the query."""
    if has_control(path):
        raise BadRequest("The path contains control characters.")
    bad = {}
    for name, value in args.items(multi=True):
        if has_control(name):
            raise BadRequest("A query parameter's name contains control characters.")
        if has_control(value):
            bad[name] = [NOT_ALLOWED]
    if bad:
        raise ValidationFailed(bad)


def check_header(name: str, value: str | None) -> None:
    if value is not None and has_control(value):
        raise BadRequest(f"The {name} header contains control characters.")


def _parse_int(raw: str) -> int:
    if len(raw.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"the number {raw[:20]}... has more digits than any field takes")
    return int(raw)


def _parse_float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"the number {raw[:20]} is out of range")
    return value


def _parse_constant(raw: str):
    raise ValueError(f"{raw} is not a JSON number")


def parse_json_object(raw: bytes) -> dict:
    """The body as a dict, or 400 bad-request / 422 validation-error saying why not."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except RecursionError:
        raise BadRequest(f"The body is nested deeper than {MAX_DEPTH} levels.") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"The body is not valid JSON: {str(exc)[:200]}.") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    check_json_tree(body)
    return body


def check_json_tree(body) -> None:
    """Walk the parsed body without recursion: depth, and control characters in keys and strings."""
    bad: dict[str, list[str]] = {}
    stack = [(body, "", 1)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"The body is nested deeper than {MAX_DEPTH} levels.")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and has_control(key):
                raise BadRequest("A field name in the body contains control characters.")
            if isinstance(value, str):
                if has_control(value, multiline=True):
                    bad[name] = [NOT_ALLOWED]
            elif isinstance(value, (dict, list)):
                stack.append((value, name, depth + 1))
    if bad:
        raise ValidationFailed(bad)
