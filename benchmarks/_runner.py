"""The harness every benchmark script shares: a fresh database per run, options, figure lines.

A script's parent process calls `run_child` once per database. It makes a temporary data
folder (with `static/`: whitenoise warns when STATIC_ROOT is missing) and an environment
without DATABASE_URL and REDIS_URL; on PostgreSQL it drops and creates `reservoir_bench` on
127.0.0.1 through an admin connection; it runs the script again as `--child <db>`, stops it
on timeout, and removes the folder and the database whatever happens. The child calls
`setup_django` (migrate). Scripts that measure in this process use `fresh_sqlite` instead.

Written with the standard library (subprocess, tempfile, argparse): the job is a few process
and folder operations, which no benchmark runner package does the way these scripts need.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "reservoir_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
DATABASES = ("sqlite", "postgres")

# figure -> (comparison "<=" or ">=", target), from the issues; printed, never enforced
Targets = Mapping[str, tuple[str, float]]


def figure(
    name: str,
    value: float,
    unit: str,
    digits: int = 3,
    *,
    suffix: str = "",
    targets: Targets | None = None,
    note: str = "",
) -> None:
    """Print `<name><suffix>: <value> <unit>`, with the target and whether it is met."""
    line = f"{name}{suffix}: {value:.{digits}f} {unit}"
    if targets and name in targets:
        op, target = targets[name]
        met = value <= target if op == "<=" else value >= target
        line += f"  # target {op} {target:,} {unit}: {'met' if met else 'MISSED'}"
    print(line + note, flush=True)


# ------------------------------------------------------------------------- options


def make_parser(
    doc: str,
    *,
    quick_help: str = "small size, under a minute",
    database: str | None = None,
    child: bool = False,
) -> argparse.ArgumentParser:
    """A parser with `--quick`; `--database` (default `database`) unless that is None; with
    `child`, the hidden `--child <db>` and `--suffix` the parent passes to `run_child`'s child.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    if database is not None:
        parser.add_argument("--database", choices=(*DATABASES, "both"), default=database)
    if child:
        parser.add_argument("--child", choices=DATABASES, help=argparse.SUPPRESS)
        parser.add_argument("--suffix", default="", help=argparse.SUPPRESS)
    return parser


def databases(choice: str) -> tuple[str, ...]:
    """The databases `--database` names (`both`: SQLite, then PostgreSQL)."""
    return DATABASES if choice == "both" else (choice,)


def db_suffix(db: str) -> str:
    """The figure-name suffix of a database: none for SQLite, `_postgres` for PostgreSQL."""
    return "" if db == "sqlite" else f"_{db}"


# -------------------------------------------------------------------------- parent


def pg_admin(sql: str) -> None:
    """Run one statement on the PostgreSQL server's admin database (autocommit)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def bench_env(data_dir: Path) -> dict[str, str]:
    """This process's environment pointed at `data_dir`: SQLite there, no Redis, quiet logs."""
    env = dict(os.environ)
    env.update(
        RESERVOIR_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def data_dir(prefix: str) -> Iterator[Path]:
    """A temporary data folder with `static/`; removed on exit."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        (tmp / "static").mkdir()
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_child(
    script: str | Path,
    db: str,
    child_args: list[str],
    *,
    quick: bool,
    prefix: str,
    timeout: int,
    label: str = "",
) -> int:
    """Run `script --child <db> [--quick] <child_args>` on a fresh database; return its exit
    code (124 on timeout, named with `label`). Creates and always removes a data folder
    `<prefix><db>-*` and, on PostgreSQL, the `reservoir_bench` database.
    """
    cmd = [sys.executable, str(Path(script).resolve()), "--child", db]
    cmd += ["--quick"] if quick else []
    cmd += child_args
    with data_dir(f"{prefix}{db}-") as tmp:
        env = bench_env(tmp)
        proc: subprocess.Popen[bytes] | None = None
        try:
            if db == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
                pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
                env["DATABASE_URL"] = PG_URL
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                print(f"# [{db}] {label + ' ' if label else ''}timed out; stopping", flush=True)
                return 124
        finally:
            if proc is not None:
                stop_process(proc, grace_s=30)
            if db == "postgres":
                try:
                    pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
                except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                    print(f"# [{db}] could not drop {PG_BENCH_DB}: {exc}", flush=True)


def stop_process(proc: subprocess.Popen[bytes], *, grace_s: float) -> None:
    """SIGTERM a running process (a child stops its server and exits), SIGKILL after `grace_s`."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace_s)


# --------------------------------------------------------------------------- child


def setup_django(*, migrate: bool = True) -> None:
    """Set Django up on the environment's database (and migrate it, unless told not to).

    SIGTERM then exits with 143, so that `finally` blocks (a server, a data folder) run.
    """
    import django

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if migrate:
        migrate_db()


def migrate_db() -> float:
    """Apply every migration quietly; return the seconds it took."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", "--no-input", "-v", "0")
    return time.perf_counter() - start


@contextlib.contextmanager
def fresh_sqlite(prefix: str) -> Iterator[Path]:
    """Point this process at a fresh SQLite database in a temporary data folder, set Django
    up and migrate; remove the folder on exit. Changes os.environ and sys.path for good.
    """
    with data_dir(prefix) as tmp:
        env = bench_env(tmp)
        for key in set(os.environ) - set(env):
            del os.environ[key]
        os.environ.update(env)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        setup_django()
        yield tmp
