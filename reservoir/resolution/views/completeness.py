"""Data completeness pages: the gap report, the parties missing a field, the weights.

Every read is limited to the parties the user may see; only administrators and managers
change the weights (anybody else gets 403 on the settings page).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.iam.models import User
from reservoir.resolution.completeness import charts, selectors, services
from reservoir.resolution.completeness.fields import BY_KEY
from reservoir.resolution.completeness.forms import BREAKDOWNS, ReportFilterForm, WeightsForm
from reservoir.resolution.completeness.report import ReportFilters, build_report
from reservoir.resolution.completeness.weights import from_mapping, get_weights

MISSING_PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _query(filters: ReportFilters, **extra: str) -> str:
    query = QueryDict(mutable=True)
    query.update({**filters.as_query(), **{k: v for k, v in extra.items() if v}})
    return query.urlencode()


def _filter_form(request: HttpRequest) -> ReportFilterForm:
    sources = selectors.list_sources(actor=_actor(request))
    return ReportFilterForm(request.GET or None, sources=sources)


@login_required
def completeness_report(request: HttpRequest) -> HttpResponse:
    """Average score, distribution and the most missing fields, by segment, owner, source."""
    form = _filter_form(request)
    filters, by = form.report_filters(), form.breakdown()
    report = build_report(actor=_actor(request), filters=filters)

    def field_url(key: str, narrow: dict[str, str]) -> str:
        merged = ReportFilters(**{**filters.as_query(), **narrow})
        return f"{reverse('resolution:completeness_missing', args=[key])}?{_query(merged)}"

    groups = {"segment": report.by_segment, "owner": report.by_owner, "source": report.by_source}
    context = {
        "filters": form,
        "report": report,
        "by": by,
        "breakdowns": [(key, label, _query(filters, by=key)) for key, label in BREAKDOWNS],
        "groups": groups[by],
        "matrix_rows": [
            (
                g,
                _query(ReportFilters(**{**filters.as_query(), **g.query}), by=by)
                if g.query
                else "",
                [g.gap(f.key) for f in report.fields],
            )
            for g in groups[by]
        ],
        "query": _query(filters),
        "chart_histogram": charts.histogram(report),
        "chart_gaps": charts.gaps(report, field_url),
        "chart_matrix": charts.matrix(groups[by], report, field_url),
        "can_edit": services.can_edit_weights(_actor(request)),
        "last_run": selectors.get_last_run(),
    }
    return render(request, "resolution/completeness_report.html", context)


@login_required
def completeness_missing(request: HttpRequest, key: str) -> HttpResponse:
    """The visible parties (within the report's filters) that lack the field `key`."""
    form = _filter_form(request)
    filters = form.report_filters()
    try:
        qs = selectors.list_missing(actor=_actor(request), key=key, filters=filters)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = Paginator(qs, MISSING_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "field": BY_KEY[key],
        "filters": form,
        "active_filters": _active_filters(form),
        "page": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
        "query": _query(filters),
    }
    return render(request, "resolution/completeness_missing.html", context)


def _active_filters(form: ReportFilterForm) -> list[tuple[str, str]]:
    """(filter label, chosen label) of each filter in use, for the page's summary line."""
    filters = form.report_filters()
    out = []
    for name in ("kind", "role", "owner", "source"):
        value = getattr(filters, name)
        if value:
            label = dict(form.fields[name].choices).get(value, value)  # type: ignore[attr-defined]
            out.append((str(form.fields[name].label), str(label)))
    return out


def _editor(request: HttpRequest) -> User:
    user = _actor(request)
    if not services.can_edit_weights(user):
        raise PermissionDenied(_("Only administrators and managers set completeness weights."))
    return user


@login_required
def completeness_settings(request: HttpRequest) -> HttpResponse:
    """Edit the weights; saving queues a rescore of the whole base."""
    user = _editor(request)
    weights = get_weights()
    form = WeightsForm(request.POST or None, weights=weights)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_weights(by=user, values=form.values())
        except DomainError as exc:
            form.add_error(f"{exc.field}-weight" if exc.field in BY_KEY else None, exc.message)
        else:
            if changed:
                messages.success(
                    request,
                    _("Weights saved. Every customer's score is being recomputed."),
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("resolution:completeness_settings")
    proposed = from_mapping(form.values()) if form.is_bound and form.is_valid() else None
    preview = selectors.preview_weights(actor=user, proposed=proposed)
    context = {
        "form": form,
        "preview": preview,
        "weights": weights,
        "last_run": selectors.get_last_run(),
    }
    return render(
        request,
        "resolution/completeness_settings.html",
        context,
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def completeness_preview(request: HttpRequest) -> HttpResponse:
    """The settings page's live preview (htmx): the average score with the weights typed."""
    user = _editor(request)
    form = WeightsForm(request.POST, weights=get_weights())
    valid = form.is_valid()
    proposed = from_mapping(form.values()) if valid else None
    preview = selectors.preview_weights(actor=user, proposed=proposed)
    return render(
        request,
        "resolution/completeness_settings.html#preview",
        {"preview": preview, "invalid": not valid},
    )


urlpatterns: list[URLPattern] = [
    path("quality/", completeness_report, name="completeness_report"),
    path("quality/settings/", completeness_settings, name="completeness_settings"),
    path("quality/settings/preview/", completeness_preview, name="completeness_preview"),
    path("quality/missing/<slug:key>/", completeness_missing, name="completeness_missing"),
]
