"""Writes for the customer-value models: ask for a refit (the fit itself runs in a task).

Side effects are listed per function; the fitting and scoring are in `fit` and `rescore`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.audit import services as audit
from reservoir.core.errors import Conflict, InvalidInput, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.models import User

KINDS = ("clv", "rfm", "basket", "needs")
DEFAULT_HORIZON_MONTHS = 12
DEFAULT_MONTHLY_DISCOUNT_RATE = 0.01
HORIZON_RANGE = (1, 60)
RATE_RANGE = (0.0, 0.2)


def can_refit(user: User | None) -> bool:
    """Analysts, managers and administrators refit the models; everyone signed in views."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_role(Role.ANALYST) or user.has_role(Role.MANAGER)


def validate_options(horizon_months: int, monthly_discount_rate: float) -> None:
    """Raise InvalidInput for a horizon or a discount rate out of range."""
    low, high = HORIZON_RANGE
    if not low <= horizon_months <= high:
        raise InvalidInput(
            _("The horizon is a whole number of months from %(low)s to %(high)s.")
            % {"low": low, "high": high},
            field="horizon_months",
        )
    low_r, high_r = RATE_RANGE
    if not low_r <= monthly_discount_rate <= high_r:
        raise InvalidInput(
            _("The monthly discount rate is from %(low)s%% to %(high)s%%.")
            % {"low": int(low_r * 100), "high": int(high_r * 100)},
            field="monthly_discount_rate",
        )


def last_options() -> dict[str, Any]:
    """Horizon and discount rate of the latest CLV fit (the defaults before any)."""
    run = ModelRun.objects.filter(kind="clv").exclude(options={}).first()
    options = run.options if run is not None else {}
    return {
        "horizon_months": int(options.get("horizon_months", DEFAULT_HORIZON_MONTHS)),
        "monthly_discount_rate": float(
            options.get("monthly_discount_rate", DEFAULT_MONTHLY_DISCOUNT_RATE)
        ),
    }


def active_runs() -> list[ModelRun]:
    """Runs queued or running, newest first."""
    return list(ModelRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)))


@transaction.atomic
def request_refit(
    *,
    by: User | None,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    monthly_discount_rate: float = DEFAULT_MONTHLY_DISCOUNT_RATE,
    trigger: str = "manual",
) -> list[ModelRun]:
    """Queue a refit of every model: one new ModelRun per model (next version), fitted
    together by one background task. `by=None` is the scheduler.

    Side effects: ModelRun rows; one audit entry; the task is enqueued in this transaction
    (it runs only if the runs commit). Raises PermissionDenied for staff who may not refit,
    InvalidInput for options out of range, Conflict while a refit is queued or running.
    """
    if by is not None and not can_refit(by):
        raise PermissionDenied(_("Only analysts, managers and administrators refit the models."))
    validate_options(horizon_months, monthly_discount_rate)
    # Lock the latest runs so that two requests cannot both start a refit.
    list(
        ModelRun.objects.select_for_update().filter(
            status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
    )
    if active_runs():
        raise Conflict(_("A refit is already under way; wait for it to finish."))
    versions = dict(
        ModelRun.objects.values("kind").annotate(v=Max("version")).values_list("kind", "v")
    )
    options = {
        "horizon_months": horizon_months,
        "monthly_discount_rate": monthly_discount_rate,
        "trigger": trigger,
    }
    runs = [
        ModelRun.objects.create(
            kind=kind,
            version=(versions.get(kind) or 0) + 1,
            options=options,
            requested_by=by,
            step=_("Waiting for a worker"),
        )
        for kind in KINDS
    ]
    audit.record(
        by,
        "analytics.models.refit_requested",
        runs[0],
        data={**options, "runs": [r.pk for r in runs]},
    )
    from reservoir.analytics.scoring.tasks import fit_models  # noqa: PLC0415 - tasks import us

    fit_models.enqueue(run_ids=[r.pk for r in runs])
    return runs
