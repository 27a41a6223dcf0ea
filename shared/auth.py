"""Bearer JWTs (HS256): who the caller is and what it may do.

Roles: worker, staff (acts for its union and every union below it), admin.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable, Sequence

import jwt
from flask import current_app, g, request

from .edge import has_control
from .errors import Forbidden, Unauthorized
from .timeutil import utcnow
from .vocab import ROLES

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str
    union_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def is_worker(self) -> bool:
        return self.role == "worker"

    @property
    def is_staff_or_admin(self) -> bool:
        return self.role in ("staff", "admin")

    def acts_for(self, union_path: Sequence[str]) -> bool:
        """May this caller act for a union whose path (root..self) is given?"""
        if self.is_admin:
            return True
        return self.is_staff and self.union_id in union_path

    def may_act_for_worker(self, worker_id: str) -> bool:
        return self.is_staff_or_admin or (self.is_worker and self.sub == worker_id)


def issue_token(secret: str, sub: str, role: str, union_id: str | None = None,
                ttl: timedelta = timedelta(hours=12)) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role == "staff" and not union_id:
        raise ValueError("a staff token needs a union_id")
    now = utcnow()
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + ttl}
    if union_id:
        claims["union_id"] = union_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["sub", "role", "exp"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The token has expired.") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("The token's signature does not match.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthorized(f"The token lacks the claim {exc.claim!r}.") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The token is malformed.") from None
    sub, role, union_id = claims.get("sub"), claims.get("role"), claims.get("union_id")
    if not isinstance(sub, str) or not sub or len(sub) > 64 or has_control(sub):
        raise Unauthorized("The token's subject is not valid.")
    if role not in ROLES:
        raise Unauthorized("The token's role is not one of worker, staff, admin.")
    if role == "staff" and (not isinstance(union_id, str) or not union_id or has_control(union_id)):
        raise Unauthorized("A staff token must name its union_id.")
    return Principal(sub=sub, role=role, union_id=union_id if role == "staff" else None)


def current_principal() -> Principal | None:
    """The caller, or None when no Authorization header was sent."""
    if "_principal" in g:
        return g._principal
    header = request.headers.get("Authorization")
    principal = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
        principal = decode_token(current_app.config["JWT_SECRET"], token.strip())
    g._principal = principal
    return principal


def require(*roles: str) -> Principal:
    """The caller, who must be signed in and (if given) hold one of the roles."""
    principal = current_principal()
    if principal is None:
        raise Unauthorized("This needs a token: 'Authorization: Bearer <token>'.")
    if roles and principal.role not in roles:
        raise Forbidden(f"This needs the role {' or '.join(roles)}.")
    return principal


def require_acts_for(principal: Principal, union_path: Iterable[str], what: str = "this union") -> None:
    if not principal.acts_for(list(union_path)):
        raise Forbidden(f"You may not act for {what}.")


def authenticated(*roles: str):
    """View decorator: check the token (and role) before the body is even parsed."""
    import functools

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            require(*roles)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
