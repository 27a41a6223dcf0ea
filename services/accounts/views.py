"""Accounts HTTP endpoints: parse, call the rules, dump."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from shared.api import Blueprint, page_of
from shared.auth import authenticated, current_principal
from shared.db import request_session
from shared.errors import NotFound

from . import codes, passwords, sessions, users
from .context import accounts
from .models import DemoLogin
from .schemas import (CodeRequestSchema, CodeSentSchema, CodeSignInSchema, DemoListSchema, PasswordChangeSchema,
                      PasswordSignInSchema, SessionSchema, UserCreateSchema, UserPatchSchema, UserQuery, UserSchema)

blp = Blueprint("accounts", __name__, url_prefix="/accounts", description="Sign-in, tokens, staff accounts.")


@blp.route("/sessions/password")
class PasswordSession(MethodView):
    @blp.arguments(PasswordSignInSchema)
    @blp.response(200, SessionSchema)
    def post(self, data):
        """Staff or admin sign-in. 401 invalid-credentials; 429 after 5 failures in 15 minutes (locked 15 minutes)."""
        acc = accounts()
        user = passwords.sign_in(acc.db, acc.hasher, data["username"], data["password"], acc.client_address(),
                                 acc.clock(), acc.sleep)
        return sessions.for_user(acc.secret, user)


@blp.route("/codes")
class Codes(MethodView):
    @blp.arguments(CodeRequestSchema)
    @blp.response(202, CodeSentSchema)
    def post(self, data):
        """Send a sign-in code to a mainland mobile number (valid 5 minutes; a new one after 60 s)."""
        acc = accounts()
        phone = codes.normalise_phone(data["phone"])
        code = codes.request_code(acc.db, acc.code_key, acc.sender, phone, acc.client_address(), acc.clock())
        answer = {"sent": True, "expires_in": int(codes.VALID_FOR.total_seconds()),
                  "resend_after": int(codes.RESEND_AFTER.total_seconds())}
        if acc.sender.shows_code and _demo_loaded():
            answer["demo_code"] = code
        return answer


@blp.route("/sessions/code")
class CodeSession(MethodView):
    @blp.arguments(CodeSignInSchema)
    @blp.response(200, SessionSchema)
    def post(self, data):
        """Worker sign-in with the code. 401 invalid-code (tries left) or code-expired."""
        acc = accounts()
        worker = codes.check_code(acc.db, acc.code_key, codes.normalise_phone(data["phone"]), data["code"],
                                  acc.clock())
        return sessions.for_worker(acc.secret, worker)


@blp.route("/sessions/refresh")
class RefreshSession(MethodView):
    @authenticated()
    @blp.response(200, SessionSchema)
    def post(self):
        """A new 2-hour token for a still-valid one (401 if the account is disabled)."""
        acc = accounts()
        return sessions.refresh(acc.db, acc.secret, current_principal())


@blp.route("/password")
class Password(MethodView):
    @authenticated("staff", "admin")
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data):
        """Change one's own password (staff, admin); at least 10 characters."""
        acc = accounts()
        passwords.change_password(acc.db, acc.hasher, current_principal().sub, data["current_password"],
                                  data["new_password"], acc.client_address(), acc.clock())
        return Response(status=204)


@blp.route("/users")
class Users(MethodView):
    @authenticated("admin")
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """Staff and admin accounts (admin)."""
        return users.list_users(request_session(), args)

    @authenticated("admin")
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a staff or admin account (admin). 409 username-taken."""
        acc = accounts()
        return users.create_user(request_session(), acc.hasher, data, acc.clock())


@blp.route("/users/<user_id>")
class UserById(MethodView):
    @authenticated("admin")
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    def patch(self, patch, user_id):
        """Disable or enable an account, change its union or name (admin)."""
        return users.update_user(request_session(), current_principal(), user_id, patch, accounts().clock())


@blp.route("/demo")
class Demo(MethodView):
    @blp.response(200, DemoListSchema)
    def get(self):
        """The demo's sign-ins, for one-click sign-in; 404 unless the demo is loaded."""
        items = request_session().scalars(select(DemoLogin).order_by(DemoLogin.position)).all()
        if not items:
            raise NotFound("No demo is loaded here.")
        return {"items": items}


def _demo_loaded() -> bool:
    with accounts().db.transaction() as session:
        return session.scalar(select(DemoLogin.position).limit(1)) is not None
