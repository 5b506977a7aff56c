"""Background work of the customer-value models (thin: load by id, call the scoring code).

The scoring modules are imported inside the tasks: they pull in SciPy and scikit-learn,
which every process would otherwise load at start (receivers import this module).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from reservoir.analytics.scoring import services
from reservoir.core.errors import Conflict


@task(queue_name="analytics")  # long: the demo and deployments give it a worker of its own
def fit_models(run_ids: list[int]) -> dict[str, str]:
    """Fit the queued runs `run_ids` and score every customer (runs already finished are
    skipped, so a retried task does not fit twice)."""
    from reservoir.analytics.scoring import fit  # noqa: PLC0415 - heavy, see module docstring

    return fit.run_fits(run_ids)


@task()
def rescore_customer(party_id: int) -> int:
    """Rescore one customer after an order (idempotent: unchanged traits are not written)."""
    from reservoir.analytics.scoring import rescore  # noqa: PLC0415 - heavy, see docstring

    return rescore.rescore_party(party_id)


@task()
def nightly_refit() -> int:
    """Refit every model with the options of the last fit; 0 when a refit is under way."""
    options: dict[str, Any] = services.last_options()
    try:
        runs = services.request_refit(
            by=None,
            horizon_months=int(options["horizon_months"]),
            monthly_discount_rate=float(options["monthly_discount_rate"]),
            trigger="nightly",
        )
    except Conflict:
        return 0
    return len(runs)
