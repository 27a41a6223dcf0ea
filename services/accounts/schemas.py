"""Accounts request and response bodies (ACCOUNTS-CONTRACT.md)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from shared.api import LocalDateTime, PageArgs, Schema, one_of

from .passwords import MIN_LENGTH

USER_ROLES = ("staff", "admin")
USERNAME = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$",
                           error="2 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.")
UNION_ID = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$", error="A union id such as u-sip.")
NEW_PASSWORD = validate.Length(min=MIN_LENGTH, max=200,
                               error=f"At least {MIN_LENGTH} characters (and at most 200).")


NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="No control characters.")  # PostgreSQL refuses NUL


def _text(**kwargs):
    return fields.String(validate=[validate.Length(min=1, max=100), NO_CONTROL], **kwargs)


class PasswordSignInSchema(Schema):
    username = fields.String(required=True, validate=[validate.Length(min=1, max=64), NO_CONTROL])
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CodeRequestSchema(Schema):
    phone = fields.String(required=True)


class CodeSignInSchema(Schema):
    phone = fields.String(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$", error="The 6 digits of the code."))


class CodeSentSchema(ma.Schema):
    sent = fields.Boolean()
    expires_in = fields.Integer()
    resend_after = fields.Integer()
    demo_code = fields.String()


class SessionUserSchema(ma.Schema):
    id = fields.String()
    role = fields.String()
    union_id = fields.String(allow_none=True)
    display_name = fields.String()
    username = fields.String(allow_none=True)


class SessionSchema(ma.Schema):
    token = fields.String()
    expires_at = LocalDateTime()
    user = fields.Nested(SessionUserSchema)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, validate=NEW_PASSWORD)


class UserSchema(ma.Schema):
    id = fields.String()
    username = fields.String()
    role = fields.String()
    union_id = fields.String(allow_none=True)
    display_name = fields.String()
    active = fields.Boolean()
    created_at = LocalDateTime()


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, validate=NEW_PASSWORD)
    role = fields.String(required=True, validate=one_of(USER_ROLES))
    union_id = fields.String(allow_none=True, load_default=None, validate=UNION_ID)
    display_name = _text(required=True)


class UserPatchSchema(Schema):
    active = fields.Boolean()
    union_id = fields.String(allow_none=True, validate=UNION_ID)
    display_name = _text()


class UserQuery(PageArgs):
    role = fields.String(validate=one_of(USER_ROLES))
    union_id = fields.String(validate=UNION_ID)


class DemoLoginSchema(ma.Schema):
    kind = fields.String()
    label = fields.String()
    username = fields.String(allow_none=True)
    password = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    union_id = fields.String(allow_none=True)
    worker_id = fields.String(allow_none=True)


class DemoListSchema(ma.Schema):
    items = fields.List(fields.Nested(DemoLoginSchema))
