"""The customer-value models page (/reports/models/): parameters, fit diagnostics, refit.

Every staff member reads the page (aggregates only, see `scoring.selectors`); analysts,
managers and administrators refit (anybody else gets 403). A refit runs in the background:
the page polls its progress with htmx every second until the runs finish.

Wire with `*models_page.urlpatterns` in `reservoir/analytics/urls.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reservoir.analytics.clv.rfm import SEGMENT_LABELS
from reservoir.analytics.models import ModelKind
from reservoir.analytics.scoring import selectors, services
from reservoir.analytics.scoring.selectors import ModelsOverview
from reservoir.core.errors import DomainError
from reservoir.iam.models import User

TOP_RULES = 12


class RefitForm(forms.Form):
    horizon_months = forms.IntegerField(
        label=gettext_lazy("Horizon (months)"),
        min_value=services.HORIZON_RANGE[0],
        max_value=services.HORIZON_RANGE[1],
        initial=services.DEFAULT_HORIZON_MONTHS,
    )
    discount_rate = forms.DecimalField(
        label=gettext_lazy("Monthly discount rate (%)"),
        min_value=Decimal(0),
        max_value=Decimal(int(services.RATE_RANGE[1] * 100)),
        decimal_places=2,
        initial=Decimal("1.00"),
    )


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_initial() -> dict[str, Any]:
    options = services.last_options()
    rate = Decimal(str(options["monthly_discount_rate"])) * 100
    return {"horizon_months": options["horizon_months"], "discount_rate": rate.normalize()}


def _holdout_chart(diag: dict[str, Any]) -> dict[str, Any] | None:
    rows = (diag.get("holdout") or {}).get("rows") or []
    if not rows:
        return None
    return {
        "type": "series",
        "categories": [r["label"] for r in rows],
        "series": [
            {"name": _("Actual"), "values": [round(r["actual"], 3) for r in rows], "kind": "bar"},
            {
                "name": _("Predicted (BG/NBD)"),
                "values": [round(r["predicted"], 3) for r in rows],
                "kind": "bar",
            },
        ],
        "axes": [{"format": "float"}],
    }


def _retention_chart(diag: dict[str, Any]) -> dict[str, Any] | None:
    retention = diag.get("retention") or {}
    cohorts = retention.get("cohorts") or []
    if not cohorts:
        return None
    return {
        "type": "series",
        "categories": retention["quarters"],
        "series": [{"name": c["cohort"], "values": c["values"], "kind": "line"} for c in cohorts],
        "axes": [{"format": "percent"}],
    }


def _segments_chart(diag: dict[str, Any]) -> dict[str, Any] | None:
    segments = diag.get("segments") or []
    if not segments:
        return None
    return {
        "type": "series",
        "categories": [str(SEGMENT_LABELS.get(s["code"], s["code"])) for s in segments],
        "series": [{"name": _("Customers"), "values": [s["customers"] for s in segments]}],
        "axes": [{"format": "int"}],
    }


def _rules(diagnostics: dict[str, Any], params: dict[str, Any]) -> list[dict[str, Any]]:
    """The strongest rules with product names for their SKUs."""
    names = params.get("names", {})
    return [
        {
            **r,
            "bought": [(sku, names.get(sku, sku)) for sku in r["antecedent"]],
            "buys": [(sku, names.get(sku, sku)) for sku in r["consequent"]],
        }
        for r in diagnostics.get("top_rules", [])[:TOP_RULES]
    ]


def _context(request: HttpRequest, overview: ModelsOverview, form: RefitForm) -> dict[str, Any]:
    current = overview.current
    clv, rfm, basket, needs = (current.get(k) for k in services.KINDS)
    clv_diag = clv.diagnostics if clv else {}
    needs_segments = (needs.params or {}).get("segments", []) if needs else []
    categories = (needs.params or {}).get("categories", []) if needs else []
    return {
        "overview": overview,
        "clv": clv,
        "rfm": rfm,
        "basket": basket,
        "needs": needs,
        "form": form,
        "can_refit": services.can_refit(_actor(request)),
        "kind_labels": dict(ModelKind.choices),
        "holdout_chart": _holdout_chart(clv_diag),
        "retention_chart": _retention_chart(clv_diag),
        "segments_chart": _segments_chart(rfm.diagnostics if rfm else {}),
        "rfm_rows": [
            {**s, "label": SEGMENT_LABELS.get(s["code"], s["code"])}
            for s in (rfm.diagnostics.get("segments", []) if rfm else [])
        ],
        "top_rules": _rules(basket.diagnostics, basket.params) if basket else [],
        "rate_percent": (
            (Decimal(str(clv.params.get("monthly_discount_rate", 0))) * 100).normalize()
            if clv
            else None
        ),
        "needs_rows": [
            {
                **s,
                "mix": sorted(
                    zip(categories, [round(v * 100) for v in s["centroid"]], strict=False),
                    key=lambda cv: -cv[1],
                )[:3],
            }
            for s in needs_segments
        ],
        "pareto": clv_diag.get("pareto") or {},
    }


@login_required
def models_page(request: HttpRequest) -> HttpResponse:
    """Each model's parameters, diagnostics and last refresh; the refit form."""
    overview = selectors.models_overview()
    form = RefitForm(initial=_form_initial())
    return render(request, "analytics/models.html", _context(request, overview, form))


@login_required
@require_POST
def models_refit(request: HttpRequest) -> HttpResponse:
    """Queue a refit with the horizon and discount rate given; 400 with the form's errors
    on bad input, 403 for staff who may not refit, 409 while a refit is under way."""
    if not services.can_refit(_actor(request)):
        raise PermissionDenied(_("Only analysts, managers and administrators refit the models."))
    form = RefitForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.request_refit(
                by=_actor(request),
                horizon_months=form.cleaned_data["horizon_months"],
                monthly_discount_rate=float(form.cleaned_data["discount_rate"]) / 100,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            if not request.headers.get("HX-Request"):
                return redirect("analytics:models")
            form = RefitForm(initial=form.cleaned_data)
    else:
        status = 400
    overview = selectors.models_overview()
    template = "analytics/models.html"
    if request.headers.get("HX-Request"):
        template += "#refit"
    return render(request, template, _context(request, overview, form), status=status)


@login_required
def models_status(request: HttpRequest) -> HttpResponse:
    """The refit card alone (polled while a refit runs; the page reloads when it ends)."""
    overview = selectors.models_overview()
    context = _context(request, overview, RefitForm(initial=_form_initial()))
    response = render(request, "analytics/models.html#refit", context)
    if not overview.active and request.GET.get("active"):
        response["HX-Refresh"] = "true"  # the fit finished: show its new figures
    return response


urlpatterns: list[URLPattern] = [
    path("models/", models_page, name="models"),
    path("models/refit/", models_refit, name="models_refit"),
    path("models/status/", models_status, name="models_status"),
]
