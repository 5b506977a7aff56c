"""Identity resolution benchmark: trade-show cards against the base; one record against 100k.

    python benchmarks/resolution_match.py [--quick] [--database sqlite|postgres|both]

Two parts, each in a child process on a fresh database (SQLite in a temporary data
folder, or PostgreSQL `reservoir_bench` on 127.0.0.1, created and dropped here):

- cards: the seeded trade-show scenario (reservoir.demo.cards): 4,700 business cards
  against a base of 10,000 parties with known truth. Every card is matched against the
  base through `match_record`; duplicates inside the file come from `find_duplicates`
  over the cards plus cards that link to the same party. Prints `cards_precision` and
  `cards_recall` over all decisions (links and within-file pairs), and each part apart.
- speed: a base of 100,000 parties loaded with bulk inserts, the match index rebuilt
  (`match_index_rebuild_100k_seconds`), then `match_record` for new records (cards of that
  scenario): `match_one_p50_ms`, `match_one_p95_ms`.

Never fails on time; exits non-zero only when the run broke.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "reservoir_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"

TARGETS = {
    "cards_precision": (">=", 0.98),
    "cards_recall": (">=", 0.98),
    "match_one_p95_ms": ("<=", 20),
}
SIZES = {
    "full": {"base": 10_000, "cards": 4_700, "big": 100_000, "probes": 1_000},
    "quick": {"base": 2_000, "cards": 900, "big": 20_000, "probes": 300},
}


def figure(name: str, value: float, unit: str, suffix: str, digits: int = 3) -> None:
    line = f"{name}{suffix}: {value:.{digits}f} {unit}"
    if name in TARGETS:
        op, target = TARGETS[name]
        met = value <= target if op == "<=" else value >= target
        line += f"  # target {op} {target} {unit}: {'met' if met else 'MISSED'}"
    print(line, flush=True)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def run_child(db: str, part: str, quick: bool, suffix: str) -> int:
    """Run one part on a fresh database; clean up whatever happens."""
    tmp = Path(tempfile.mkdtemp(prefix=f"reservoir-resbench-{db}-"))
    (tmp / "static").mkdir()
    env = dict(os.environ)
    env.update(
        RESERVOIR_DATA_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", db, "--part", part]
    cmd += ["--quick"] if quick else []
    cmd += ["--suffix", suffix] if suffix else []
    proc: subprocess.Popen[bytes] | None = None
    try:
        if db == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
            env["DATABASE_URL"] = PG_URL
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
        try:
            return proc.wait(timeout=900 if quick else 3600)
        except subprocess.TimeoutExpired:
            print(f"# [{db}] {part} timed out; stopping", flush=True)
            return 124
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        if db == "postgres":
            try:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                print(f"# [{db}] could not drop {PG_BENCH_DB}: {exc}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)


def child(part: str, quick: bool, suffix: str) -> int:
    import django

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    django.setup()
    from django.core.management import call_command

    from benchmarks import _resolution

    size = SIZES["quick" if quick else "full"]
    call_command("migrate", "--no-input", "-v", "0")
    if part == "cards":
        values = _resolution.cards_part(size["base"], size["cards"])
    else:
        values = _resolution.speed_part(size["big"], size["probes"])
    for name, (value, unit, digits) in values.items():
        figure(name, value, unit, suffix, digits)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size, under a minute")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--part", choices=("cards", "speed", "all"), default="all")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--suffix", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.part, args.quick, args.suffix)
    dbs = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    parts = ("cards", "speed") if args.part == "all" else (args.part,)
    rc = 0
    for db in dbs:
        suffix = "" if db == "sqlite" else f"_{db}"
        print(f"# database: {db}", flush=True)
        for part in parts:
            start = time.perf_counter()
            rc = run_child(db, part, args.quick, suffix) or rc
            print(f"# {part} on {db}: {time.perf_counter() - start:.1f} s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
