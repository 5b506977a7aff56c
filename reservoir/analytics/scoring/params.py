"""The parameters in use: the latest done ModelRun of each model, cached in this process.

Rescoring runs after every order, so the fitted parameters (the rules can be large) are
decoded once per version: one small query finds the latest done run ids, and only a new id
reloads that model.

Side effects: none (a module-level cache).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from reservoir.analytics.clv import basket
from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.analytics.scoring import compute, keys


@dataclass(frozen=True)
class Fitted:
    """One model's parameters in use, with what rescoring derives from them once."""

    kind: str
    run_id: int
    version: int
    params: dict[str, Any]
    rules: tuple[basket.Rule, ...] = ()
    cooccurrence: basket.ItemCooccurrence | None = None

    @property
    def provenance(self) -> str:
        return keys.provenance(self.kind, self.version)


_cache: dict[str, Fitted] = {}
_lock = threading.Lock()


def latest_run_ids() -> dict[str, int]:
    """{kind: id of its latest done run} in one query."""
    rows = (
        ModelRun.objects.filter(status=RunStatus.DONE)
        .values("kind")
        .annotate(last=Max("id"))
        .values_list("kind", "last")
    )
    return dict(rows)


def _load(kind: str, run_id: int) -> Fitted:
    run = ModelRun.objects.only("kind", "version", "params").get(pk=run_id)
    params = dict(run.params or {})
    if kind == "basket":
        return Fitted(
            kind,
            run_id,
            run.version,
            params,
            tuple(compute.rules_of(params)),
            compute.cooccurrence_of(params),
        )
    return Fitted(kind, run_id, run.version, params)


def fitted_models() -> dict[str, Fitted]:
    """{kind: Fitted} for every model with a done run (reloaded when a newer run is done)."""
    ids = latest_run_ids()
    out: dict[str, Fitted] = {}
    for kind, run_id in ids.items():
        with _lock:
            cached = _cache.get(kind)
        if cached is None or cached.run_id != run_id:
            cached = _load(kind, run_id)
            with _lock:
                _cache[kind] = cached
        out[kind] = cached
    return out


def clear() -> None:
    """Forget the cached parameters (tests)."""
    with _lock:
        _cache.clear()
