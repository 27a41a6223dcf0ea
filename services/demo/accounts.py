"""Demo sign-ins: an admin, staff of three unions, and workers mapped to demo workers who have
needs (most with recommendations), each with a fixed demo number. Listed by GET /accounts/demo.
Loading again adds nothing: accounts are made only if missing."""
from __future__ import annotations

import logging

from argon2 import PasswordHasher
from sqlalchemy import delete, select

from shared.config import ServiceConfig
from shared.db import Database
from shared.timeutil import utcnow
from shared.vocab import DISTRICTS

from services.accounts import codes, users
from services.accounts.models import DemoLogin, User, Worker
from services.accounts.passwords import Hasher

from .catalog import UNIONS

log = logging.getLogger("unionhub.demo")
UNION_NAMES = {uid: name for uid, name, _district, _parent in UNIONS}

STAFF = [  # username, password, role, union, display name
    ("admin", "demo-admin-2026", "admin", None, "市总工会 管理员"),
    ("sip", "demo-sip-2026", "staff", "u-sip", "园区工会 王芳"),
    ("gusu", "demo-gusu-2026", "staff", "u-gusu", "姑苏工会 陈静"),
    ("didi", "demo-didi-2026", "staff", "u-didi", "网约车工会 刘强"),
]
WORKERS = [  # demo worker id (services/demo/matching.py), number, district, what they do, note
    ("demo-w00027", "13900000001", "sip", "一线职工", "有推荐"),
    ("demo-w00040", "13900000002", "sip", "外卖骑手", "有推荐"),
    ("demo-w00054", "13900000003", "sip", "船员", "有推荐"),
    ("demo-w00026", "13900000004", "gusu", "一线职工", "有推荐"),
    ("demo-w00078", "13900000005", "xiangcheng", "快递员", "有推荐"),
    ("demo-w00011", "13900000006", "wujiang", "外卖骑手", "还没有提过需求"),
]


def logins() -> list[DemoLogin]:
    rows = []
    for username, password, role, union_id, _name in STAFF:
        label = "苏州市总工会 管理员" if role == "admin" else f"{UNION_NAMES[union_id]} 工作人员"
        rows.append(dict(kind=role, label=label, username=username, password=password, union_id=union_id))
    for worker_id, phone, district, what, note in WORKERS:
        rows.append(dict(kind="worker", label=f"职工（{DISTRICTS[district]}，{what}，{note}）", phone=phone,
                         worker_id=worker_id))
    return [DemoLogin(position=i, **row) for i, row in enumerate(rows, 1)]


# The demo's passwords are published (GET /accounts/demo), so cheap hashes hide nothing and keep
# start-up quick; the first sign-in rehashes with the full cost (passwords.sign_in).
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def load(config: ServiceConfig, hasher: Hasher | None = None) -> None:
    db = Database(config.database_url)
    hasher = hasher or Hasher(DEMO_HASHER)
    now = utcnow()
    added = 0
    try:
        with db.transaction() as session:
            have = set(session.scalars(select(User.username)))
            for username, password, role, union_id, name in STAFF:
                if username not in have:
                    users.create_user(session, hasher, {"username": username, "password": password, "role": role,
                                                        "union_id": union_id, "display_name": name}, now)
                    added += 1
            for worker_id, phone, *_ in WORKERS:
                e164 = codes.normalise_phone(phone)
                taken = session.scalar(select(Worker.id).where((Worker.id == worker_id) | (Worker.phone_e164 == e164)))
                if taken is None:
                    session.add(Worker(id=worker_id, phone_e164=e164, created_at=now))
                    added += 1
            session.execute(delete(DemoLogin))
            session.add_all(logins())
    finally:
        db.dispose()
    log.info("demo accounts: %d added, %d sign-ins listed", added, len(STAFF) + len(WORKERS))
