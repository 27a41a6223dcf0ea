"""Command line: serve the all-in-one process, mint dev tokens, load the demo, migrate, run a worker.

    python -m services.cli serve
    python -m services.cli token --role staff --union u-sip
    python -m services.cli demo
    python -m services.cli migrate [catalog matching booking accounts notify]
    python -m services.cli worker booking
    python -m services.cli events check [--since 2h] [--grace 60] [--json]
    python -m services.cli events replay --since 2h [--service booking]
    python -m services.cli user add --role staff --union u-sip --username li --display-name 李明
    python -m services.cli draw verify <session_id> --url http://127.0.0.1:8000 | --file draw.json
"""
from __future__ import annotations

import argparse
import errno
import logging
import socket
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


def _listen_socket(host: str, port: int) -> socket.socket:
    """Bind the port before anything is announced: a port in use is one line and exit status 1."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        sys.exit(f"无法使用地址 {host} / cannot use the address {host}: {exc.strerror or exc}")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # what waitress does: TIME_WAIT is no obstacle
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            sys.exit(f"端口 {port} 已被占用 / port {port} is already in use: set PORT= to a free port "
                     f"(e.g. PORT={port + 1 if port < 65535 else 8000} make run)")
        sys.exit(f"无法监听 {host}:{port} / cannot listen on {host}:{port}: {exc.strerror or exc}")
    return sock


def cmd_serve(args) -> None:
    settings = _settings()
    sock = _listen_socket(args.host, settings.port)
    setup_logging(settings.log_level, settings.log_format)
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
    from shared.threads import start_threads

    runners = [r for name in SERVICES for r in registry.build_runners(name, settings.service(name))]
    start_threads(runners, stop)
    if settings.demo:
        from . import demo

        demo.load(settings)
    import waitress

    log.info("serving the pages and %s on http://%s:%d (API docs: /catalog/docs)", ", ".join(SERVICES), args.host,
             settings.port)
    try:
        waitress.serve(dispatcher, sockets=[sock], threads=args.threads,
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
    setup_logging(settings.log_level, settings.log_format)
    migrate(settings)
    from . import demo

    demo.load(settings)


def cmd_migrate(args) -> None:
    settings = _settings()
    setup_logging(settings.log_level, settings.log_format)
    migrate(settings, args.services or SERVICES)


def run_worker(name: str) -> None:
    settings = _settings()
    setup_logging(settings.log_level, settings.log_format)
    from shared.threads import run_until_signalled

    runners = registry.build_runners(name, settings.service(name))
    log.info("%s worker: %d runner(s)", name, len(runners))
    run_until_signalled(runners)


def cmd_events(args) -> None:
    """check: exit 1 if a consumer has not applied an event written before the grace period."""
    from . import eventops

    settings = _settings()
    try:
        since = eventops.parse_time(args.since) if args.since else None
        until = eventops.parse_time(args.until) if getattr(args, "until", None) else None
    except ValueError as exc:
        sys.exit(f"events {args.action}: {exc}")
    if args.action == "check":
        gaps = eventops.run_check(settings, since, timedelta(seconds=args.grace))
        eventops.print_check(gaps, args.json)
        sys.exit(1 if any(g.missing for g in gaps) else 0)
    if settings.redis_url is None:
        sys.exit("events replay: REDIS_URL is not set. The all-in-one server's Redis stand-in lives in its process: "
                 "restart it, and its relays publish again what its streams lack.")
    sent = eventops.run_replay(settings, since, until, args.service)
    print(", ".join(f"{svc}: {n} event(s) sent again" for svc, n in sent.items()))


def cmd_user_add(args) -> None:
    """Create a staff or admin account in the accounts database (the password is prompted for, or read from stdin)."""
    import getpass

    import marshmallow

    from shared.db import Database
    from shared.errors import DomainError, flatten_errors
    from shared.timeutil import utcnow

    from .accounts import users as account_users
    from .accounts.passwords import Hasher
    from .accounts.schemas import UserCreateSchema

    settings = _settings()
    setup_logging(settings.log_level)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            sys.exit("user add: the two passwords differ")
    try:  # the same checks as POST /accounts/users
        data = UserCreateSchema().load({"username": args.username, "password": password, "role": args.role,
                                        "union_id": args.union, "display_name": args.display_name or args.username})
    except marshmallow.ValidationError as exc:
        sys.exit("user add: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in flatten_errors(exc.messages).items()))
    migrate(settings, ["accounts"])
    db = Database(settings.database_urls["accounts"])
    try:
        with db.transaction() as session:
            user = account_users.create_user(session, Hasher(), data, utcnow())
    except DomainError as exc:
        sys.exit(f"user add: {exc.detail} {exc.errors or ''}".strip())
    finally:
        db.dispose()
    print(user.id)


def cmd_draw_verify(args) -> None:
    """Recompute a published ballot draw from its inputs: exit 0 match, 1 mismatch, 2 unreadable."""
    from . import drawcheck

    if bool(args.url) == bool(args.file):
        sys.exit("draw verify: give --url (with the session id) or --file")
    if args.url and not args.session_id:
        sys.exit("draw verify: --url needs the session id")
    sys.exit(drawcheck.run(args.session_id, args.url, args.file))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="every service in one process (SQLite + fakeredis by default)")
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
    events = sub.add_parser("events", help="after a fault: compare what consumers applied with the outboxes; re-send")
    actions = events.add_subparsers(dest="action", required=True)
    p = actions.add_parser("check", help="per consumer, events written but not applied (exit 1 if any)")
    p.add_argument("--since", help="only events that occurred since: ISO time with offset, or an age (2h, 7d)")
    p.add_argument("--grace", type=float, default=60, help="seconds: newer unapplied events are in flight, not missing")
    p.add_argument("--json", action="store_true", help="one JSON list instead of the table")
    p.set_defaults(func=cmd_events)
    p = actions.add_parser("replay", help="publish a window of outbox rows again (consumers skip what they applied)")
    p.add_argument("--since", required=True, help="ISO time with offset, or an age (30m, 2h, 7d)")
    p.add_argument("--until", help="ISO time with offset, or an age")
    p.add_argument("--service", action="append", choices=SERVICES, help="the publishing service (default: all)")
    p.set_defaults(func=cmd_events)
    p = sub.add_parser("user", help="staff and admin accounts (accounts service)")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    p = user_sub.add_parser("add", help="create a staff or admin account")
    p.add_argument("--role", required=True, choices=("staff", "admin"))
    p.add_argument("--union", help="the staff member's union id (required for staff)")
    p.add_argument("--username", required=True)
    p.add_argument("--display-name", help="the name shown (default: the username)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=cmd_user_add)
    p = sub.add_parser("draw", help="ballot draws")
    draw_sub = p.add_subparsers(dest="draw_command", required=True)
    p = draw_sub.add_parser("verify", help="recompute a published draw from its inputs (exit 1 on a mismatch)")
    p.add_argument("session_id", nargs="?", help="the session (with --url)")
    p.add_argument("--url", help="the base URL, e.g. http://127.0.0.1:8000")
    p.add_argument("--file", help="a draw document saved from GET /booking/sessions/<id>/draw")
    p.set_defaults(func=cmd_draw_verify)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
