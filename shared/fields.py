"""Strict request fields, used by every service's schemas.

JSON bodies are typed: an integer is a JSON integer (not 1.5, "10" or true), a
boolean is true or false (not "yes" or 1), a text is not blank, an id follows
ID_PATTERN. Path ids follow the same pattern through IdConverter: a path id that
does not match is 404 `not-found`, as an id that matches but names nothing.
"""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate
from werkzeug.routing import BaseConverter

ID_MAX = 64
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"  # as OpenAPI states it; matched whole (no trailing newline)
_ID_RE = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))
ID_RULE = "1 to 64 characters: letters, digits and . _ : - , starting with a letter or digit."


def id_schema() -> dict:
    """The JSON schema of an id, for path parameters and anything written by hand."""
    return {"type": "string", "minLength": 1, "maxLength": ID_MAX, "pattern": ID_PATTERN}


def is_id(value) -> bool:
    return isinstance(value, str) and _ID_RE.fullmatch(value) is not None


class IdFormat(validate.Regexp):
    """ID_PATTERN matched against the whole value (re.match with `$` would let a trailing newline in)."""

    def __init__(self):
        super().__init__(ID_PATTERN, error=f"Not a valid id: {ID_RULE}")

    def __call__(self, value):
        if not is_id(value):
            raise ValidationError(self.error)
        return value


class Id(fields.String):
    def __init__(self, **kwargs):
        validators = [IdFormat(), *_as_list(kwargs.pop("validate", None))]
        metadata = {"minLength": 1, "maxLength": ID_MAX, **kwargs.pop("metadata", {})}
        super().__init__(validate=validators, metadata=metadata, **kwargs)


class IdConverter(BaseConverter):
    """Path variables are ids: anything else does not route (404 not-found)."""

    regex = _ID_RE.pattern


class Int(fields.Integer):
    """A JSON integer: floats (even 2.0), strings and booleans are refused."""

    default_error_messages = {"invalid": "Not a valid integer: give a JSON number without a fraction."}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(fields.Boolean):
    """JSON true or false only: "yes", "true", 1 and 0 are refused."""

    default_error_messages = {"invalid": "Not a valid boolean: give true or false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Text(fields.String):
    """Free text up to max_length characters, never blank (whitespace only), never a NUL character.

    optional=True also takes the empty string (the field's "nothing").
    """

    default_error_messages = {"blank": "Must not be blank.", "nul": "Must not contain NUL characters."}

    def __init__(self, max_length: int, *, optional: bool = False, **kwargs):
        self.optional = optional
        validators = [validate.Length(min=0 if optional else 1, max=max_length), *_as_list(kwargs.pop("validate", None))]
        metadata = {"pattern": r"^$|\S" if optional else r"\S", **kwargs.pop("metadata", {})}
        super().__init__(validate=validators, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        if not text.strip() and (text or not self.optional):
            raise self.make_error("blank")
        return text


def _as_list(validators) -> list:
    if validators is None:
        return []
    return list(validators) if isinstance(validators, (list, tuple)) else [validators]
