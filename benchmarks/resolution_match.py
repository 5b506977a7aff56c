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

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

TARGETS = {
    "cards_precision": (">=", 0.98),
    "cards_recall": (">=", 0.98),
    "match_one_p95_ms": ("<=", 20),
}
SIZES = {
    "full": {"base": 10_000, "cards": 4_700, "big": 100_000, "probes": 1_000},
    "quick": {"base": 2_000, "cards": 900, "big": 20_000, "probes": 300},
}


def child(part: str, quick: bool, suffix: str) -> int:
    _runner.setup_django()
    from benchmarks import _resolution

    size = SIZES["quick" if quick else "full"]
    if part == "cards":
        values = _resolution.cards_part(size["base"], size["cards"])
    else:
        values = _resolution.speed_part(size["big"], size["probes"])
    for name, (value, unit, digits) in values.items():
        _runner.figure(name, value, unit, digits, suffix=suffix, targets=TARGETS)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _runner.make_parser(__doc__ or "", database="sqlite", child=True)
    parser.add_argument("--part", choices=("cards", "speed", "all"), default="all")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.part, args.quick, args.suffix)
    parts = ("cards", "speed") if args.part == "all" else (args.part,)
    rc = 0
    for db in _runner.databases(args.database):
        suffix = _runner.db_suffix(db)
        print(f"# database: {db}", flush=True)
        for part in parts:
            start = time.perf_counter()
            child_args = ["--part", part] + (["--suffix", suffix] if suffix else [])
            code = _runner.run_child(
                __file__,
                db,
                child_args,
                quick=args.quick,
                prefix="reservoir-resbench-",
                timeout=900 if args.quick else 3600,
                label=part,
            )
            rc = code or rc
            print(f"# {part} on {db}: {time.perf_counter() - start:.1f} s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
