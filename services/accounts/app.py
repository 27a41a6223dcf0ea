"""The accounts app: sign-in for staff, admins (password) and workers (a code by SMS); tokens."""
from __future__ import annotations

import ipaddress

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig
from shared.db import database_of

from . import codes
from .context import EXTENSION, Accounts
from .passwords import Hasher
from .senders import build_sender
from .views import blp

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def create_app(config: ServiceConfig) -> Flask:
    app = create_service_app(config, title="Accounts", blueprints=[blp],
                             description="Sign-in: staff and admins by password, workers by a code sent to "
                                         "their mobile number. Issues the tokens every service accepts.")
    trusted = config.trusted_proxies
    app.extensions[EXTENSION] = Accounts(
        db=database_of(app), secret=config.jwt_secret, code_key=codes.code_key(config.jwt_secret),
        sender=build_sender(config.sms), hasher=Hasher(),
        trusted_proxies=LOOPBACK if trusted is None else tuple(trusted))
    return app
