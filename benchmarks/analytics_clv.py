"""Customer-value model fitting: our BG/NBD + Gamma-Gamma against lifetimes, same data.

    python benchmarks/analytics_clv.py [--quick] [--repeat N]

Reads the raw CDNOW events shipped with the `lifetimes` dev dependency (full: the master
file, 23,570 customers; --quick: the 1/10 sample, 2,357), calibration to 1997-09-30, weeks.
No database. Prints:

    clv_fit_seconds           ours: summary from (customer, date, value) tuples + BG/NBD fit
                              + Gamma-Gamma fit (best of --repeat runs)
    clv_summary_seconds       of which the summary; clv_models_fit_seconds: the two fits
    lifetimes_fit_seconds     lifetimes 0.11 BetaGeoFitter.fit + GammaGammaFitter.fit on our
                              summary (best of --repeat runs; summary not included)
    lifetimes_summary_seconds lifetimes' summary_data_from_transaction_data on a DataFrame
    clv_speedup               lifetimes_fit_seconds / clv_fit_seconds
    clv_score_one_us          value.score_customer: P(alive), E[purchases], 12-month CLV of
                              one customer (the most frequent buyer: the slowest series)
    clv_score_all_seconds     the same for every customer with the vectorised functions
and the parameters of both (`clv_params`, `lifetimes_params`, `clv_gg_params`,
`lifetimes_gg_params`), the largest relative difference between them, and whether
lifetimes' own summary (freq "D", divided by 7) equals ours.

lifetimes runs unpatched with the installed pandas 2.3 / numpy 2.4 for these calls. Its
`customer_lifetime_value` is not called: in 0.11.3 it needs a `predict` method that
BetaGeoFitter lacks. Never fails on time.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks import _runner  # noqa: E402
from reservoir.analytics.clv import bgnbd, gammagamma, summary, value  # noqa: E402

CAL_END = dt.date(1997, 9, 30)
TARGETS = {"clv_speedup": (">=", 1.0)}  # the issue: ours faster than lifetimes
figure = functools.partial(_runner.figure, targets=TARGETS)


def dataset_path(name: str) -> Path:
    """A file in lifetimes' datasets folder (located without importing lifetimes)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or spec.origin is None:
        raise SystemExit("lifetimes (a dev dependency) is not installed")
    return Path(spec.origin).parent / "datasets" / name


def read_events(path: Path) -> list[tuple[int, dt.date, float]]:
    """(customer, date, dollars) rows; the master file has a header and no master-id column."""
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts or not parts[0].isdigit():
            continue
        day = parts[-3]
        when = dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
        rows.append((int(parts[0]), when, float(parts[-1])))
    return rows


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `repeat` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours(events: list[tuple[int, dt.date, float]]) -> tuple[Any, Any, Any]:
    s = summary.summarize(events, observation_end=CAL_END, unit_days=7.0)
    bg = bgnbd.fit_bgnbd(s.frequency, s.recency, s.T)
    gg = gammagamma.fit_gamma_gamma(s.frequency, s.monetary_value)
    return s, bg, gg


def theirs(s: summary.RFMSummary) -> tuple[dict[str, float], dict[str, float]]:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    bgf = BetaGeoFitter().fit(s.frequency, s.recency, s.T)
    repeat = (s.frequency > 0) & (s.monetary_value > 0)  # as fit_gamma_gamma does
    ggf = GammaGammaFitter().fit(s.frequency[repeat], s.monetary_value[repeat])
    return dict(bgf.params_), dict(ggf.params_)


def lifetimes_summary(events: list[tuple[int, dt.date, float]]) -> tuple[float, Any]:
    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    frame = pd.DataFrame(events, columns=["id", "date", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    start = time.perf_counter()
    out = summary_data_from_transaction_data(
        frame, "id", "date", monetary_value_col="value", observation_period_end=str(CAL_END)
    )
    return time.perf_counter() - start, out


def score_all(bg: Any, gg: Any, s: summary.RFMSummary) -> tuple[Any, Any, Any]:
    """P(alive), E[purchases in 52 weeks], 12-month CLV of every customer (vectorised)."""
    f, r, t, m = s.frequency, s.recency, s.T, s.monetary_value
    alive = bgnbd.probability_alive(bg, f, r, t)
    expected = bgnbd.expected_purchases(bg, 52.0, f, r, t)
    clv = value.customer_lifetime_value(
        bg, gg, f, r, t, m, horizon_months=12, monthly_discount_rate=0.01, unit_days=7.0
    )
    return alive, expected, clv


def main() -> None:
    parser = _runner.make_parser(__doc__ or "", quick_help="the 2,357-customer sample file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    name = "CDNOW_sample.txt" if args.quick else "CDNOW_master.txt"
    events = read_events(dataset_path(name))
    warnings.filterwarnings("ignore")  # lifetimes' pandas/numpy deprecation noise
    print(f"# {name}: {len(events):,} events, calibration to {CAL_END}, weeks", flush=True)

    seconds, (s, bg, gg) = best_of(args.repeat, lambda: ours(events))
    print(f"# customers: {len(s):,}, with repeat purchases: {int((s.frequency > 0).sum()):,}")
    figure("clv_fit_seconds", seconds, "s")
    summary_s, _ = best_of(
        args.repeat, lambda: summary.summarize(events, observation_end=CAL_END, unit_days=7.0)
    )
    figure("clv_summary_seconds", summary_s, "s")
    models_s, _ = best_of(
        args.repeat,
        lambda: (
            bgnbd.fit_bgnbd(s.frequency, s.recency, s.T),
            gammagamma.fit_gamma_gamma(s.frequency, s.monetary_value),
        ),
    )
    figure("clv_models_fit_seconds", models_s, "s")
    lt_seconds, (lt_bg, lt_gg) = best_of(args.repeat, lambda: theirs(s))
    figure("lifetimes_fit_seconds", lt_seconds, "s")
    figure("clv_speedup", lt_seconds / seconds, "x", digits=1)

    print(
        f"clv_params: r={bg.r:.6f} alpha={bg.alpha:.6f} a={bg.a:.6f} b={bg.b:.6f} "
        f"ll={bg.log_likelihood:.3f}"
    )
    print(
        f"lifetimes_params: r={lt_bg['r']:.6f} alpha={lt_bg['alpha']:.6f} "
        f"a={lt_bg['a']:.6f} b={lt_bg['b']:.6f}"
    )
    print(f"clv_gg_params: p={gg.p:.6f} q={gg.q:.6f} gamma={gg.gamma:.6f}")
    print(f"lifetimes_gg_params: p={lt_gg['p']:.6f} q={lt_gg['q']:.6f} gamma={lt_gg['v']:.6f}")
    pairs = [
        (bg.r, lt_bg["r"]),
        (bg.alpha, lt_bg["alpha"]),
        (bg.a, lt_bg["a"]),
        (bg.b, lt_bg["b"]),
        (gg.p, lt_gg["p"]),
        (gg.q, lt_gg["q"]),
        (gg.gamma, lt_gg["v"]),
    ]
    diff = max(abs(x - y) / abs(y) for x, y in pairs)
    figure("params_max_rel_diff", diff, "", digits=6)
    theirs_rab = (lt_bg["r"], lt_bg["alpha"], lt_bg["a"], lt_bg["b"])
    ll_theirs = float(bgnbd.log_likelihood(theirs_rab, s.frequency, s.recency, s.T).sum())
    figure("bgnbd_ll_ours_minus_lifetimes", bg.log_likelihood - ll_theirs, "", digits=6)

    lt_summary_s, lt_summary = lifetimes_summary(events)
    figure("lifetimes_summary_seconds", lt_summary_s, "s")
    lt_rows = lt_summary.loc[s.customer_ids]
    same = (
        np.array_equal(lt_rows["frequency"].to_numpy(), s.frequency)
        and np.allclose(lt_rows["recency"].to_numpy() / 7, s.recency)
        and np.allclose(lt_rows["T"].to_numpy() / 7, s.T)
        and np.allclose(lt_rows["monetary_value"].to_numpy(), s.monetary_value)
    )
    figure("summary_equals_lifetimes", float(same), "", digits=0)

    i = int(np.argmax(s.frequency))
    one = (s.frequency[i], s.recency[i], s.T[i], s.monetary_value[i])
    n_one = 2_000
    start = time.perf_counter()
    for _ in range(n_one):
        value.score_customer(
            bg, gg, *one, horizon_months=12, monthly_discount_rate=0.01, unit_days=7.0
        )
    figure("clv_score_one_us", (time.perf_counter() - start) / n_one * 1e6, "us", digits=1)
    all_s, _ = best_of(args.repeat, lambda: score_all(bg, gg, s))
    figure("clv_score_all_seconds", all_s, "s")


if __name__ == "__main__":
    main()
