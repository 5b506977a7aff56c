"""Data completeness benchmark: rescoring the whole base, the gap report, one party.

    python benchmarks/completeness.py [--quick] [--database sqlite|postgres|both]

A child process migrates a fresh database (SQLite in a temporary data folder, or PostgreSQL
`reservoir_bench` on 127.0.0.1, created and dropped here), loads the foundation dataset
(100,000 parties; 10,000 with --quick) with raw bulk inserts and prints:

- `completeness_recompute_100k_seconds`: first rescoring, every party's trait written;
- `completeness_recompute_unchanged_100k_seconds`: the nightly run when nothing changed;
- `completeness_report_100k_seconds`: the gap report over the whole base (an administrator);
- `completeness_party_ms`: rescoring one party after a change (median of 200).

(`_100k` stays in the names with --quick so runs can be tracked; the size is printed.)
Never fails on time; exits non-zero only when the run broke.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

TARGETS = {"completeness_recompute_100k_seconds": ("<=", 60)}
SIZES = {"full": 100_000, "quick": 10_000}


def child(quick: bool, suffix: str) -> int:
    _runner.setup_django()
    from benchmarks._dataset import analyze, build
    from reservoir.iam.models import Team, User
    from reservoir.parties.models import Party, PostalAddress
    from reservoir.resolution.completeness import services
    from reservoir.resolution.completeness.report import build_report

    figure = functools.partial(_runner.figure, suffix=suffix, targets=TARGETS)
    n = SIZES["quick" if quick else "full"]
    team = Team.objects.create(name="Bench")
    reps = [User.objects.create(username=f"rep{i}", team=team) for i in range(5)]
    admin = User.objects.create(username="admin", role="administrator", is_superuser=True)
    started = time.perf_counter()
    build(n_parties=n, n_interactions=n, teams={team.pk: [u.pk for u in reps]})
    analyze()
    print(f"# {n:,} parties loaded in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    run = services.recompute(trigger="bench")
    figure("completeness_recompute_100k_seconds", time.perf_counter() - started, "s")
    print(f"# {run.parties:,} parties, {run.changed:,} written, average {run.average}")

    started = time.perf_counter()
    run = services.recompute(trigger="bench")
    elapsed = time.perf_counter() - started
    figure("completeness_recompute_unchanged_100k_seconds", elapsed, "s")
    print(f"# {run.changed:,} written")

    started = time.perf_counter()
    report = build_report(actor=admin)
    figure("completeness_report_100k_seconds", time.perf_counter() - started, "s")
    print(f"# report: {report.parties:,} parties, average {report.average}")

    ids = list(Party.objects.order_by("pk").values_list("pk", flat=True)[:200])
    times = []
    for pk in ids:
        PostalAddress.objects.create(party_id=pk, city="Hangzhou")
        t0 = time.perf_counter()
        services.recompute_party(pk)
        times.append((time.perf_counter() - t0) * 1000)
    figure("completeness_party_ms", statistics.median(times), "ms")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _runner.make_parser(
        __doc__ or "", quick_help="10,000 parties, under a minute", database="sqlite", child=True
    )
    args = parser.parse_args(argv)
    if args.child:
        return child(args.quick, args.suffix)
    rc = 0
    for db in _runner.databases(args.database):
        suffix = _runner.db_suffix(db)
        print(f"# database: {db}, parties: {SIZES['quick' if args.quick else 'full']:,}")
        start = time.perf_counter()
        child_args = ["--suffix", suffix] if suffix else []
        timeout = 900 if args.quick else 3600
        code = _runner.run_child(
            __file__, db, child_args, quick=args.quick, prefix="reservoir-cqbench-", timeout=timeout
        )
        rc = code or rc
        print(f"# {db}: {time.perf_counter() - start:.1f} s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
