"""The `reservoir` command: run the demo, the server, the worker and the scheduler.

`reservoir demo` migrates the embedded SQLite database in the data folder, loads the demo
data once, and runs server, worker and scheduler together until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    _setup()
    from django.core.management import call_command

    call_command(*args)


def cmd_migrate(_: argparse.Namespace) -> int:
    _manage("migrate", "--no-input", "-v", "0")
    print("Database is up to date.")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    _setup()
    from reservoir.demo.loader import DemoRefused, load_demo

    try:
        load_demo(seed=args.seed, scale=args.scale, stdout=sys.stdout)
    except DemoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup()
    from getpass import getpass

    from reservoir.core.errors import DomainError
    from reservoir.iam import services

    password = args.password or getpass("Password: ")
    try:
        user = services.create_user(
            by=None, username=args.username, password=password, role=args.role, email=args.email
        )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if args.role == "administrator":
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    print(f"Created {user.username} ({user.get_role_display()}).")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run uvicorn: `--workers` processes sharing the port, each serving HTTP and WebSockets.

    HTTP runs through Django's WSGI handler on a thread pool per process (config/asgi.py);
    live updates reach every process through the channel layer (Redis with REDIS_URL, else
    config/channel_layers.py on this machine).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import uvicorn
    except ImportError:  # an environment installed before uvicorn joined the dependencies
        print("uvicorn is not installed: serving with daphne, one process.", file=sys.stderr)
        _setup()
        from daphne.cli import CommandLineInterface

        CommandLineInterface().run(
            ["-b", args.host, "-p", str(args.port), "--proxy-headers", "config.asgi:application"]
        )
        return 0
    uvicorn.run(
        "config.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        lifespan="on",
        log_level=os.environ.get("SERVER_LOG_LEVEL", "info").lower(),
        access_log=_env_flag("ACCESS_LOG", default=True),
        timeout_graceful_shutdown=10,
    )
    return 0


def _env_flag(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def _default_workers() -> int:
    """WEB_CONCURRENCY, else one server process per CPU (at most 8)."""
    raw = os.environ.get("WEB_CONCURRENCY", "")
    if raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, min(os.cpu_count() or 1, 8))


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from reservoir.core.worker import run_worker

    run_worker(queues=args.queue or None, interval=args.interval, max_tasks=args.max_tasks)
    return 0


def cmd_scheduler(_: argparse.Namespace) -> int:
    _setup()
    from reservoir.core.scheduler import run_scheduler

    run_scheduler()
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reservoir", *args.rest])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from reservoir.demo.loader import DemoRefused, demo_logins, demo_state, load_demo
    from reservoir.demo.service import portal_login

    print(f"Data folder: {settings.DATA_DIR}")
    _manage("migrate", "--no-input", "-v", "0")
    if demo_state() == "empty":
        print("Loading demo data (once)...")
        try:
            load_demo(seed=42, scale=args.scale, stdout=sys.stdout)
        except DemoRefused as exc:
            print(f"Demo data not loaded: {exc}")
    me = [sys.executable, "-m", "reservoir.cli"]
    children = [
        _child([*me, "serve", "--host", args.host, "--port", str(args.port)]),
        _child([*me, "worker", "--queue", "default"]),
        # Long analytics work (warehouse refresh, model fits) has a worker of its own, so
        # mail, matching and automations never wait behind it.
        _child([*me, "worker", "--queue", "analytics"]),
        _child([*me, "scheduler"]),
    ]
    url = (
        f"http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}/"  # noqa: S104
    )
    print("\nReservoir is running at", url)
    print("Demo logins (password for all: reservoir-demo):")
    for username, _password, role in demo_logins():
        print(f"  {username:<10} {role}")
    customer = portal_login()
    if customer is not None:
        print(f"Customer portal: {url}portal/  (sign in as {customer[0]} / {customer[1]})")
    print("Press Ctrl-C to stop.\n", flush=True)
    return _supervise(children)


def _child(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, so stopping it also stops what it started
    (the web server's worker processes) and Ctrl-C reaches it only through the supervisor."""
    return subprocess.Popen(argv, start_new_session=True)


def _supervise(children: list[subprocess.Popen[bytes]]) -> int:
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(c.poll() is None for c in children):
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    # A task still running after the grace period is killed: the worker's orphan recovery
    # re-runs it on the next start and its effect still happens once (core.tasks.once).
    deadline = time.monotonic() + 8
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    for child in children:  # whatever a child left behind (e.g. server workers) goes too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    print("Reservoir stopped.")
    return 0 if stopping else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reservoir", description="Reservoir CRM")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="migrate, load demo data once, run server + worker + scheduler"
    )
    demo.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    demo.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    demo.add_argument("--scale", type=float, default=1.0)
    demo.set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="run the web server (HTTP + WebSockets)")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers",
        type=int,
        default=_default_workers(),
        help="server processes (default: WEB_CONCURRENCY, else one per CPU)",
    )
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run background tasks")
    worker.add_argument("--queue", action="append")
    worker.add_argument("--interval", type=float, default=1.0)
    worker.add_argument("--max-tasks", type=int, default=None)
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("scheduler", help="enqueue periodic tasks").set_defaults(func=cmd_scheduler)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)
    load = sub.add_parser("load-demo", help="load the demo company (once)")
    load.add_argument("--seed", type=int, default=42)
    load.add_argument("--scale", type=float, default=1.0)
    load.set_defaults(func=cmd_load_demo)
    create = sub.add_parser("createuser", help="create a staff user")
    create.add_argument("username")
    create.add_argument("--role", default="administrator")
    create.add_argument("--email", default="")
    create.add_argument("--password", default=os.environ.get("RESERVOIR_PASSWORD", ""))
    create.set_defaults(func=cmd_createuser)
    manage = sub.add_parser("manage", help="run any Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
