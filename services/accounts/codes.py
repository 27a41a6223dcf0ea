"""Worker sign-in: a 6-digit code sent to a mainland mobile number, valid 5 minutes, 5 tries.

Codes are stored as an HMAC-SHA256 (key derived from JWT_SECRET), never in clear. Limits: one
live code per number (a new one after 60 s), 5 codes per number and 200 per client address an hour
(a union office, an interview point or a factory's Wi-Fi puts many workers behind one address)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.db import Database
from shared.errors import Unauthorized
from shared.sms import normalise_phone  # noqa: F401 (the views call codes.normalise_phone)

from . import throttle
from .models import Code, Worker
from .senders import Sender

VALID_FOR = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
TRIES = 5
HOUR = timedelta(hours=1)
PER_NUMBER = 5  # codes an hour
PER_ADDRESS = 200  # codes an hour: many workers share one address at an interview point


def code_key(jwt_secret: str) -> bytes:
    return hmac.new(jwt_secret.encode(), b"unionhub accounts: sign-in codes v1", hashlib.sha256).digest()


def _mac(key: bytes, *parts: str) -> str:
    return hmac.new(key, ":".join(parts).encode(), hashlib.sha256).hexdigest()


def request_code(db: Database, key: bytes, sender: Sender, phone: str, address: str, now: datetime) -> str:
    """Make and send a new code for the number; returns it (the demo may show it)."""
    throttle.purge_now_and_then(db, now)
    throttle.limit(db, f"code-addr:{address}", now, HOUR, PER_ADDRESS,
                   "Too many codes asked for from this address.")
    with db.transaction() as session:
        live = session.scalar(select(Code.created_at).where(Code.phone_e164 == phone))
    if live is not None and live > now - RESEND_AFTER:
        raise throttle.too_many("A code was sent less than a minute ago.", live + RESEND_AFTER, now)
    throttle.limit(db, f"code-phone:{_mac(key, 'throttle', phone)}", now, HOUR, PER_NUMBER,
                   "Too many codes for this number.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_hash = _mac(key, phone, code)
    insert = sqlite_insert if db.is_sqlite else pg_insert
    values = dict(phone_e164=phone, code_hash=code_hash, created_at=now, expires_at=now + VALID_FOR, tries_left=TRIES)
    stmt = insert(Code).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["phone_e164"], set_=values,
                                      where=Code.created_at <= now - RESEND_AFTER).returning(Code.phone_e164)
    with db.transaction() as session:
        stored = session.execute(stmt).first()
    if stored is None:  # another request for this number won the race
        raise throttle.too_many("A code was sent less than a minute ago.", now + RESEND_AFTER, now)
    try:
        sender.send_code(phone, code)
    except Exception:
        with db.transaction() as session:  # a code nobody received must not block the next one
            session.execute(delete(Code).where(Code.phone_e164 == phone, Code.code_hash == code_hash))
        raise
    return code


def code_expired() -> Unauthorized:
    return Unauthorized("This code is no longer valid: ask for a new one.", slug="code-expired", title="Code expired")


def check_code(db: Database, key: bytes, phone: str, code: str, now: datetime) -> Worker:
    """Use the number's code: the worker (made on the first sign-in), or 401 invalid-code / code-expired."""
    with db.transaction() as session:
        row = session.scalar(select(Code).where(Code.phone_e164 == phone).with_for_update())
        live = row is not None and row.expires_at > now and row.tries_left > 0
        if live and hmac.compare_digest(row.code_hash, _mac(key, phone, code)):
            session.delete(row)
            worker = worker_for_phone(session, phone, now)
            worker.last_sign_in_at = now
            return worker
        if live:
            row.tries_left -= 1
            tries_left = row.tries_left
    if not live:
        raise code_expired()
    raise Unauthorized(f"The code is not right; {tries_left} {'try' if tries_left == 1 else 'tries'} left."
                       if tries_left else "The code is not right, and that was the last try: ask for a new one.",
                       slug="invalid-code", title="Invalid code", extra={"tries_left": tries_left})


def worker_for_phone(session, phone: str, now: datetime) -> Worker:
    """The number's worker, made if new. Race-safe: the unique number decides, the loser reads the winner's id."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    session.execute(insert(Worker).values(id=f"w-{secrets.token_hex(6)}", phone_e164=phone, created_at=now)
                    .on_conflict_do_nothing(index_elements=["phone_e164"]))
    return session.scalar(select(Worker).where(Worker.phone_e164 == phone))
