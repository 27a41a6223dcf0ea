"""Staff and admin passwords: argon2id hashes, sign-in with slow-down and lock-out, change.

A username that does not exist costs the same hash as a wrong password and answers the same,
and failures are counted (and locked) per username whether it exists or not."""
from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from shared.db import Database
from shared.errors import Unauthorized, ValidationFailed

from . import throttle
from .models import User

FAILURE_WINDOW = timedelta(minutes=15)
LOCK_AFTER = 5  # failures for one username in the window
LOCK_FOR = timedelta(minutes=15)
SLOW_AFTER = 3  # failures from this one on answer a little later
SLOW_STEP = 0.5  # seconds more per failure past SLOW_AFTER - 1
ADDRESS_FAILURES = 30  # failed sign-ins from one client address in the window, then 429
MIN_LENGTH = 10


class Hasher:
    """argon2id (argon2-cffi's defaults: RFC 9106's low-memory profile), and a hash of nothing
    in particular to check unknown usernames against, so they take as long as known ones."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self.hasher = hasher or PasswordHasher()
        self.dummy = self.hasher.hash("no such user: this never matches")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self.dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


def normalise_username(username: str) -> str:
    return username.strip().lower()


def invalid_credentials() -> Unauthorized:
    return Unauthorized("The username or the password is not right.", slug="invalid-credentials",
                        title="Invalid credentials")


def _user_key(username: str) -> str:
    return f"pw-user:{username}"


def check_not_locked(db: Database, username: str, address: str, now: datetime) -> None:
    for key in (_user_key(username), f"pw-addr:{address}"):
        until = throttle.locked_until(db, key, now)
        if until is not None:
            raise throttle.too_many("Too many failed sign-ins.", until, now)


def admit(db: Database, username: str, address: str, now: datetime) -> int:
    """Count an attempt for the username before its password is checked (a success forgets them):
    parallel guesses cannot get more than LOCK_AFTER checks a window, whatever their timing."""
    check_not_locked(db, username, address, now)
    count, start = throttle.hit(db, _user_key(username), now, FAILURE_WINDOW)
    if count > LOCK_AFTER:
        throttle.lock(db, _user_key(username), start + FAILURE_WINDOW)
        raise throttle.too_many("Too many failed sign-ins.", start + FAILURE_WINDOW, now)
    return count


def record_failure(db: Database, username: str, address: str, count: int, now: datetime) -> float:
    """After a failed check (the count-th attempt in the window): lock past the limits.
    Returns how long to hold the answer back (the slow-down)."""
    if count >= LOCK_AFTER:
        throttle.lock(db, _user_key(username), now + LOCK_FOR)
    address_count, _ = throttle.hit(db, f"pw-addr:{address}", now, FAILURE_WINDOW)
    if address_count >= ADDRESS_FAILURES:
        throttle.lock(db, f"pw-addr:{address}", now + LOCK_FOR)
    return SLOW_STEP * (count - SLOW_AFTER + 1) if SLOW_AFTER <= count < LOCK_AFTER else 0.0


def sign_in(db: Database, hasher: Hasher, username: str, password: str, address: str, now: datetime,
            sleep) -> User:
    """The user, or 401 invalid-credentials (after a slow-down from the third failure on), or 429 when locked."""
    username = normalise_username(username)
    throttle.purge_now_and_then(db, now)
    count = admit(db, username, address, now)
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
    ok = hasher.verify(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        delay = record_failure(db, username, address, count, now)
        if delay:
            sleep(delay)
        raise invalid_credentials()
    throttle.clear(db, _user_key(username))
    with db.transaction() as session:
        user = session.get(User, user.id)
        user.last_sign_in_at = now
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
    return user


def change_password(db: Database, hasher: Hasher, user_id: str, current: str, new: str, address: str,
                    now: datetime) -> None:
    """Wrong current password: 422 (counted like a failed sign-in, so a stolen token cannot guess it)."""
    with db.transaction() as session:
        user = session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("The account is unknown or disabled.")
    count = admit(db, user.username, address, now)
    if not hasher.verify(user.password_hash, current):
        record_failure(db, user.username, address, count, now)
        raise ValidationFailed({"current_password": ["The current password is not right."]})
    throttle.clear(db, _user_key(user.username))
    with db.transaction() as session:
        user = session.get(User, user_id)
        user.password_hash = hasher.hash(new)
        user.updated_at = now
