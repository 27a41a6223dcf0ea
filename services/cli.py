"""Command line: serve the all-in-one process, mint dev tokens, load the demo, migrate, run a worker.

    python -m services.cli serve
    python -m services.cli token --role staff --union u-sip
    python -m services.cli demo
    python -m services.cli migrate [catalog matching booking]
    python -m services.cli worker booking
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading
from datetime import timedelta

from shared.auth import issue_token
from shared.config import SERVICES, ConfigError, load_settings, warn_if_dev_secret
from shared.logs import setup_logging
from shared.migrate import upgrade
from shared.vocab import ROLES

from . import registry

log = logging.getLogger("unionhub")


def _settings():
    try:
        return load_settings()
    except ConfigError as exc:
        sys.exit(f"configuration error: {exc}")


def migrate(settings, names=SERVICES) -> None:
    for name in names:
        if registry.has_migrations(name):
            upgrade(name, settings.database_urls[name])


def cmd_serve(args) -> None:
    settings = _settings()
    setup_logging(settings.log_level)
    warn_if_dev_secret(settings)
    if settings.redis_url is None:
        log.info("REDIS_URL is not set: using the in-process Redis stand-in (fakeredis)")
    migrate(settings)
    from .gateway import PrefixDispatcher
    from .web.config import load_web_config
    from .web.wsgi import mount

    apps = {name: registry.create_app(name, settings.service(name)) for name in SERVICES}
    dispatcher = PrefixDispatcher(apps)
    try:
        mount(dispatcher, load_web_config(settings.jwt_secret))
    except ConfigError as exc:
        sys.exit(f"configuration error: {exc}")
    stop = threading.Event()
    from shared.runner import start_threads

    runners = [r for name in SERVICES for r in registry.build_runners(name, settings.service(name))]
    start_threads(runners, stop)
    if settings.demo:
        from . import demo

        demo.load(settings)
    import waitress

    log.info("serving the pages and the services on http://%s:%d (API docs: /catalog/docs)", args.host, settings.port)
    try:
        waitress.serve(dispatcher, host=args.host, port=settings.port, threads=args.threads,
                       ident="unionhub", channel_timeout=60, connection_limit=2000, backlog=2048)
    finally:
        stop.set()


def cmd_token(args) -> None:
    settings = _settings()
    sub = args.sub or {"worker": "worker-demo-1", "staff": f"staff-{args.union}", "admin": "admin-1"}[args.role]
    try:
        token = issue_token(settings.jwt_secret, sub, args.role, args.union, ttl=timedelta(hours=args.hours))
    except ValueError as exc:
        sys.exit(f"token: {exc}")
    print(token)


def cmd_demo(_args) -> None:
    settings = _settings()
    setup_logging(settings.log_level)
    migrate(settings)
    from . import demo

    demo.load(settings)


def cmd_migrate(args) -> None:
    settings = _settings()
    setup_logging(settings.log_level)
    migrate(settings, args.services or SERVICES)


def run_worker(name: str) -> None:
    settings = _settings()
    setup_logging(settings.log_level)
    from shared.runner import run_until_signalled

    runners = registry.build_runners(name, settings.service(name))
    log.info("%s worker: %d runner(s)", name, len(runners))
    run_until_signalled(runners)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="all three services in one process (SQLite + fakeredis by default)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--threads", type=int, default=16)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("token", help="mint a development token (signed with JWT_SECRET)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--union", help="the staff member's union id (required for staff)")
    p.add_argument("--sub", help="the caller's id (default depends on the role)")
    p.add_argument("--hours", type=float, default=12)
    p.set_defaults(func=cmd_token)
    sub.add_parser("demo", help="load the demo data (idempotent)").set_defaults(func=cmd_demo)
    p = sub.add_parser("migrate", help="bring the schemas up to date")
    p.add_argument("services", nargs="*", choices=[[], *SERVICES], default=[])
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("worker", help="a service's relay and consumers (production)")
    p.add_argument("service", choices=SERVICES)
    p.set_defaults(func=lambda a: run_worker(a.service))
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
