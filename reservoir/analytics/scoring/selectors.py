"""Reads for the models page: the fits in use, the refit under way, the recent history.

The figures are aggregates over the whole customer base (parameters, segment sizes, rules
between products), never a list of customers, so every staff member may read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.analytics.scoring.services import KINDS

HISTORY = 20


@dataclass
class ModelsOverview:
    """The latest done fit of each model, the runs under way, the latest failure per model."""

    current: dict[str, ModelRun] = field(default_factory=dict)
    active: list[ModelRun] = field(default_factory=list)
    failed: dict[str, ModelRun] = field(default_factory=dict)
    history: list[ModelRun] = field(default_factory=list)

    @property
    def progress(self) -> int:
        """Overall progress of the refit under way (mean of its runs)."""
        if not self.active:
            return 0
        return round(sum(r.progress for r in self.active) / len(self.active))


def models_overview() -> ModelsOverview:
    """Two queries: the recent runs (with who asked), and each model's latest done run."""
    out = ModelsOverview()
    recent = list(
        ModelRun.objects.select_related("requested_by").order_by("-created_at", "-id")[:HISTORY]
    )
    out.history = recent
    out.active = sorted(
        (r for r in recent if r.status in (RunStatus.QUEUED, RunStatus.RUNNING)),
        key=lambda r: KINDS.index(r.kind),
    )
    missing = set(KINDS)
    for run in recent:
        if run.status == RunStatus.DONE and run.kind in missing:
            out.current[run.kind] = run
            missing.discard(run.kind)
    if missing:
        for run in ModelRun.objects.filter(kind__in=missing, status=RunStatus.DONE).order_by(
            "kind", "-created_at", "-id"
        ):
            out.current.setdefault(run.kind, run)
    for run in recent:
        if run.status == RunStatus.FAILED and run.kind not in out.failed:
            done = out.current.get(run.kind)
            if done is None or done.created_at < run.created_at:
                out.failed[run.kind] = run
    return out


def active_status() -> list[ModelRun]:
    """The runs queued or running (one query), in model order."""
    runs = ModelRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
    return sorted(runs, key=lambda r: KINDS.index(r.kind))
