"""Fit the customer-value models on the whole purchase history and score every customer.

One refit is a set of ModelRuns (clv, rfm, basket, needs) created together; `run_fits`
reads the history once, then fits each run in turn, storing its parameters and diagnostics
and writing its traits on every customer with purchases (`parties.services.set_traits_bulk`,
without per-party events: a nightly refit would otherwise raise hundreds of thousands).
A failing model marks its own run failed with the reason; the others still fit.

Side effects: ModelRun rows updated (status, progress, params, diagnostics, scored);
Trait/TraitHistory rows written; one audit entry per batch of traits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.analytics.clv import basket, bgnbd, gammagamma, needs, summary
from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.analytics.scoring import compute, diagnostics, keys
from reservoir.analytics.scoring.history import History, load_history
from reservoir.parties import services as party_services

logger = logging.getLogger(__name__)

KIND_ORDER = ("clv", "rfm", "basket", "needs")
WRITE_BATCH = 20_000  # trait rows per write
MAX_RULES = 2_000  # rules kept for rescoring, best lift first
MAX_HOLDOUT_DAYS = 26 * 7
MIN_CUSTOMERS = 3

Rows = list[tuple[int, str, Any, str]]


class FitError(Exception):
    """The data cannot support this model (the message is shown on the models page)."""


def _progress(run: ModelRun, percent: int, step: str) -> None:
    run.progress, run.step = percent, step[:120]
    ModelRun.objects.filter(pk=run.pk).update(progress=percent, step=run.step)


def run_fits(run_ids: Sequence[int]) -> dict[str, str]:
    """Fit the given queued runs (idempotent: runs already done or failed are skipped);
    return {kind: final status}."""
    runs = sorted(
        ModelRun.objects.filter(
            pk__in=list(run_ids), status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ),
        key=lambda r: KIND_ORDER.index(r.kind),
    )
    if not runs:
        return {}
    now = timezone.now()
    ModelRun.objects.filter(pk__in=[r.pk for r in runs]).update(
        status=RunStatus.RUNNING, started_at=now, step=_("Reading purchase history"), progress=2
    )
    history = load_history(until=now)
    done: dict[str, str] = {}
    for run in runs:
        run.status, run.started_at = RunStatus.RUNNING, now
        try:
            FITTERS[run.kind](run, history, now)
        except Exception as exc:  # one model's failure must not stop the others
            if not isinstance(exc, FitError | ValueError):
                logger.exception("model fit %s (run %s) failed", run.kind, run.pk)
            run.status, run.error = RunStatus.FAILED, str(exc)[:2000] or type(exc).__name__
        else:
            run.status, run.progress, run.step = RunStatus.DONE, 100, ""
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "status",
                "progress",
                "step",
                "params",
                "diagnostics",
                "scored",
                "error",
                "started_at",
                "finished_at",
            ]
        )
        done[run.kind] = run.status
    return done


def _write(run: ModelRun, rows: Rows, now: dt.datetime, start: int = 60) -> None:
    """Write trait rows in batches, moving the run's progress from `start` to 99."""
    for i in range(0, len(rows), WRITE_BATCH):
        party_services.set_traits_bulk(
            rows[i : i + WRITE_BATCH], by=run.requested_by, computed_at=now, publish=False
        )
        done = min(len(rows), i + WRITE_BATCH) / max(len(rows), 1)
        _progress(run, start + int((99 - start) * done), _("Writing traits"))


def fit_clv(run: ModelRun, history: History, now: dt.datetime) -> None:
    """BG/NBD + Gamma-Gamma in weeks; holdout check; CLV, P(alive), profitability traits."""
    options = run.options or {}
    horizon = int(options.get("horizon_months", 12))
    rate = float(options.get("monthly_discount_rate", 0.01))
    today = timezone.localdate(now)
    s = summary.summarize(history.transactions, observation_end=today, unit_days=compute.UNIT_DAYS)
    if len(s) < MIN_CUSTOMERS:
        raise FitError(_("Too few customers with purchases to fit (%(n)s).") % {"n": len(s)})
    _progress(run, 10, _("Fitting BG/NBD"))
    bg = bgnbd.fit_bgnbd(s.frequency, s.recency, s.T)
    repeat = s.frequency > 0
    if int(repeat.sum()) < MIN_CUSTOMERS:
        raise FitError(_("Too few repeat customers to fit spend (Gamma-Gamma)."))
    _progress(run, 25, _("Fitting Gamma-Gamma"))
    gg = gammagamma.fit_gamma_gamma(s.frequency[repeat], s.monetary_value[repeat])
    run.params = {
        "bgnbd": asdict(bg),
        "gamma_gamma": asdict(gg),
        "horizon_months": horizon,
        "monthly_discount_rate": rate,
        "unit_days": compute.UNIT_DAYS,
        "observation_end": today.isoformat(),
    }
    _progress(run, 35, _("Holdout check"))
    run.diagnostics = {
        "holdout": _holdout(history, today),
        "customers": len(s),
        "repeat_customers": int(repeat.sum()),
        "pareto": diagnostics.pareto_summary([history.revenue[int(p)] for p in s.customer_ids]),
        "retention": diagnostics.retention_curves(history.transactions),
    }
    _progress(run, 50, _("Scoring customers"))
    ids = [int(p) for p in s.customer_ids]
    values = compute.clv_values(
        run.params,
        s,
        [history.revenue[p] for p in ids],
        [history.marketing_cost.get(p, 0.0) for p in ids],
        [history.service_cost.get(p, 0.0) for p in ids],
    )
    version = keys.provenance(run.kind, run.version)
    rows = [
        (pid, k, v, version) for pid, vals in zip(ids, values, strict=True) for k, v in vals.items()
    ]
    clv = np.asarray([v["clv.value"] for v in values])
    run.diagnostics["clv_pareto"] = diagnostics.pareto_summary(clv.tolist())
    run.diagnostics["clv_total"] = round(float(clv.sum()), 2)
    run.diagnostics["clv_mean"] = round(float(clv.mean()), 2)
    run.diagnostics["churn_high"] = sum(1 for v in values if v["clv.churn_risk"] >= 0.7)
    _write(run, rows, now)
    run.scored = len(ids)


def _holdout(history: History, today: dt.date) -> dict[str, Any]:
    """Refit on a calibration period and compare predicted with actual holdout purchases."""
    if not history.transactions:
        return {}
    first = min(day for _p, day, _a in history.transactions)
    days = min(MAX_HOLDOUT_DAYS, (today - first).days // 3 // 7 * 7)
    if days < 7:
        return {}
    cal_end = today - dt.timedelta(days=days)
    cal, hold, length = summary.calibration_holdout(
        history.transactions,
        calibration_end=cal_end,
        observation_end=today,
        unit_days=compute.UNIT_DAYS,
    )
    if len(cal) < MIN_CUSTOMERS:
        return {}
    params = bgnbd.fit_bgnbd(cal.frequency, cal.recency, cal.T)
    rows = bgnbd.holdout_diagnostics(params, cal, hold, length)
    return {
        "calibration_end": cal_end.isoformat(),
        "weeks": round(length, 1),
        "params": asdict(params),
        "rows": [asdict(r) for r in rows],
    }


def fit_rfm(run: ModelRun, history: History, now: dt.datetime) -> None:
    """Quintile breakpoints of recency, frequency, monetary; RFM cell and segment traits."""
    inputs = compute.rfm_inputs(history.transactions, timezone.localdate(now))
    if not inputs:
        raise FitError(_("No customer has purchases yet."))
    ids = sorted(inputs)
    rec, freq, mon = (np.asarray([inputs[p][i] for p in ids], dtype=float) for i in range(3))
    run.params = {
        "recency_edges": compute.rfm_edges(rec, higher_is_better=False),
        "frequency_edges": compute.rfm_edges(freq),
        "monetary_edges": compute.rfm_edges(mon),
    }
    _progress(run, 40, _("Scoring customers"))
    version = keys.provenance(run.kind, run.version)
    rows: Rows = []
    sizes: dict[str, int] = {}
    revenue: dict[str, float] = {}
    for pid in ids:
        values = compute.rfm_values(run.params, *inputs[pid])
        seg = values[keys.RFM_SEGMENT]
        sizes[seg] = sizes.get(seg, 0) + 1
        revenue[seg] = revenue.get(seg, 0.0) + inputs[pid][2]
        rows.extend((pid, k, v, version) for k, v in values.items())
    run.diagnostics = {
        "segments": [
            {"code": seg, "customers": n, "revenue": round(revenue[seg], 2)}
            for seg, n in sorted(sizes.items(), key=lambda kv: -kv[1])
        ],
        "customers": len(ids),
    }
    _write(run, rows, now)
    run.scored = len(ids)


def fit_basket(run: ModelRun, history: History, now: dt.datetime) -> None:
    """Association rules on what each customer bought (item-to-item), next best products."""
    ids = history.party_ids
    owned = {pid: history.items_of(pid) for pid in ids}
    transactions = [items for items in owned.values() if items]
    if len(transactions) < MIN_CUSTOMERS:
        raise FitError(_("Too few customers with order lines to learn cross-sell rules."))
    # Small bases need a floor of a few customers per itemset; big ones a 0.5% support.
    min_support = max(3 / len(transactions), min(0.005, 20 / len(transactions)))
    _progress(run, 15, _("Finding frequent itemsets"))
    itemsets = basket.frequent_itemsets(transactions, min_support=min_support, max_len=3)
    rules = basket.association_rules(
        itemsets, min_confidence=0.05, metric="lift", min_threshold=1.0
    )
    co = basket.item_cooccurrence(transactions)
    run.params = {
        "min_support": round(min_support, 6),
        "rules": [compute.rule_row(r) for r in rules[:MAX_RULES]],
        "cooccurrence": {
            "n": co.n,
            "items": co.item_support,
            "pairs": [[*sorted(pair), s] for pair, s in co.pair_support.items()],
        },
        "names": history.product_names,
    }
    run.diagnostics = {
        "baskets": len(transactions),
        "itemsets": len(itemsets),
        "rules": len(rules),
        "top_rules": [compute.rule_row(r) for r in rules[:15]],
    }
    _progress(run, 40, _("Scoring customers"))
    stored_rules = compute.rules_of(run.params)
    version = keys.provenance(run.kind, run.version)
    rows: Rows = [
        (
            pid,
            keys.NEXT_BEST,
            compute.next_best(owned[pid], stored_rules, history.product_names, co),
            version,
        )
        for pid in ids
    ]
    _write(run, rows, now)
    run.scored = len(ids)


def fit_needs(run: ModelRun, history: History, now: dt.datetime) -> None:
    """k-means on each customer's spend share per top category; needs segment traits."""
    ids = [pid for pid in history.party_ids if history.category_spend.get(pid)]
    if len(ids) < MIN_CUSTOMERS:
        raise FitError(_("Too few customers with order lines to find needs segments."))
    categories = sorted({c for pid in ids for c in history.category_spend[pid]})
    mix = np.vstack([compute.category_mix(history.category_spend[p], categories) for p in ids])
    _progress(run, 20, _("Clustering category mixes"))
    result = needs.needs_segments(mix)
    overall = mix.mean(axis=0)
    segments: list[dict[str, Any]] = []
    for i, centroid in enumerate(result.centroids):
        lift = centroid / np.where(overall > 0, overall, 1)
        top = [categories[j] for j in np.argsort(-lift)[:2] if centroid[j] > 0.05]
        segments.append(
            {
                "code": f"n{i + 1}",
                "label": _unique(
                    " + ".join(top) or categories[int(np.argmax(centroid))],
                    {s["label"] for s in segments},
                    i,
                ),
                "customers": int((result.labels == i).sum()),
                "centroid": [round(float(v), 4) for v in centroid],
            }
        )
    run.params = {"categories": categories, "segments": segments}
    run.diagnostics = {"k": int(result.k), "customers": len(ids)}
    version = keys.provenance(run.kind, run.version)
    labels = [s["label"] for s in segments]
    rows: Rows = [
        (pid, keys.NEEDS_SEGMENT, labels[int(label)], version)
        for pid, label in zip(ids, result.labels, strict=True)
    ]
    _write(run, rows, now, start=50)
    run.scored = len(ids)


def _unique(label: str, taken: set[str], index: int) -> str:
    """A segment label no other segment of this fit has (two clusters may share a top mix)."""
    return label if label not in taken else f"{label} ({index + 1})"


FITTERS: dict[str, Callable[[ModelRun, History, dt.datetime], None]] = {
    "clv": fit_clv,
    "rfm": fit_rfm,
    "basket": fit_basket,
    "needs": fit_needs,
}
