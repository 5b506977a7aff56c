"""The duplicates queue: clusters of possibly-same customers, highest probability first."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from reservoir.core.errors import DomainError
from reservoir.iam.enums import Scope
from reservoir.iam.models import User
from reservoir.iam.visibility import scope_for
from reservoir.resolution import duplicates, selectors, tasks
from reservoir.resolution.models import CandidateStatus

PER_PAGE = 20
MIN_PROBABILITIES = (
    ("", gettext_lazy("Any probability")),
    ("0.95", "≥ 95%"),
    ("0.9", "≥ 90%"),
    ("0.8", "≥ 80%"),
    ("0.7", "≥ 70%"),
)


class DuplicateFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=CandidateStatus.choices, required=False
    )
    min_probability = forms.ChoiceField(
        label=gettext_lazy("Probability"), choices=MIN_PROBABILITIES, required=False
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or CandidateStatus.OPEN,
            "min_probability": float(data.get("min_probability") or 0),
        }


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def can_scan(user: User) -> bool:
    """Managers and staff who see every customer may start a scan of the whole base."""
    return scope_for(user) in (Scope.ALL, Scope.MANAGED)


TONES = {
    "exact": "success",
    "close": "info",
    "partial": "warning",
    "different": "danger",
    "missing": "neutral",
}
LEVELS = {
    "exact": gettext_lazy("exact"),
    "close": gettext_lazy("close"),
    "partial": gettext_lazy("partial"),
    "different": gettext_lazy("different"),
    "missing": gettext_lazy("missing"),
}


def evidence_rows(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored evidence with names, labels and badge tones in the reader's language."""
    from reservoir.resolution.matching import labels

    rows = []
    for e in evidence:
        field, level = e.get("field", ""), e.get("level", "")
        try:
            name: Any = labels.field_name(field)
        except KeyError:
            name = field
        try:
            text: Any = labels.label(field, level)
        except KeyError:
            text = e.get("label", "")
        rows.append(
            {
                "name": name,
                "label": text,
                "level_text": LEVELS.get(level, level),
                "tone": TONES.get(level, "neutral"),
                "left": e.get("left", ""),
                "right": e.get("right", ""),
            }
        )
    return rows


def merge_url() -> str:
    """The side-by-side merge page (it takes ?a=&b=), once the merge pages exist."""
    try:
        return reverse("resolution:merge_new")
    except NoReverseMatch:
        return ""


def _side(party: Any) -> dict[str, Any]:
    return {"party": party, "contacts": getattr(party, "contact_list", [])}


def _clusters(actor: User, keys: list[str], tops: dict[str, float], **filters: Any) -> list[Any]:
    """Group the page's pairs by cluster: parties (each once) and the pairs' evidence."""
    pairs = selectors.list_candidate_pairs(actor=actor, cluster_keys=keys, **filters)
    grouped: dict[str, list[Any]] = defaultdict(list)
    for pair in pairs:
        pair.evidence_rows = evidence_rows(pair.evidence)  # type: ignore[attr-defined]
        grouped[pair.cluster_key].append(pair)
    out = []
    for key in keys:
        members = grouped.get(key, [])
        if not members:
            continue
        parties: dict[int, Any] = {}
        for pair in members:
            parties.setdefault(pair.party_a_id, pair.party_a)
            parties.setdefault(pair.party_b_id, pair.party_b)
        out.append(
            {
                "key": key,
                "probability": tops[key],
                "parties": [_side(p) for p in sorted(parties.values(), key=lambda p: p.pk)],
                "pairs": members,
            }
        )
    return out


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """The queue, filtered by status and minimum probability, one page of clusters."""
    actor = _actor(request)
    form = DuplicateFilterForm(request.GET or None)
    filters = form.filters()
    clusters_qs = selectors.list_clusters(actor=actor, **filters)
    page = Paginator(clusters_qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    tops = {row["cluster_key"]: row["top"] for row in rows}
    context = {
        "filters": form,
        "status": filters["status"],
        "page": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
        "clusters": _clusters(actor, list(tops), tops, **filters),
        "last_scan": selectors.get_last_scan(),
        "can_scan": can_scan(actor),
        "merge_url": merge_url(),
    }
    return render(request, "resolution/duplicate_list.html", context)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Remember that the pair is not a duplicate; htmx swaps the pair's row."""
    actor = _actor(request)
    candidate = selectors.get_candidate(actor=actor, candidate_id=candidate_id)
    if candidate is None:
        raise Http404(_("No such duplicate pair."))
    try:
        candidate = duplicates.dismiss_candidate(candidate, by=actor)
    except DomainError as exc:
        if not getattr(request, "htmx", False):
            messages.error(request, exc.message)
            return redirect("resolution:duplicate_list")
        return HttpResponse(exc.message, status=409)
    text = _("Marked as not a duplicate; it will not be suggested again.")
    if not getattr(request, "htmx", False):
        messages.success(request, text)
        return redirect(request.POST.get("next") or reverse("resolution:duplicate_list"))
    response = render(request, "resolution/duplicate_list.html#pair-dismissed", {"pair": candidate})
    trigger_client_event(response, "toast", {"text": text, "tone": "success"})
    return response


@login_required
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """Enqueue a scan of the whole base (managers and staff who see everyone)."""
    if not can_scan(_actor(request)):
        messages.error(request, _("Only managers and administrators can scan the whole base."))
        return redirect("resolution:duplicate_list")
    tasks.detect_duplicates.enqueue()
    messages.success(
        request, _("The scan has started. New duplicates appear here when it finishes.")
    )
    return redirect("resolution:duplicate_list")


urlpatterns: list[URLPattern] = [
    path("duplicates/", duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", duplicate_scan, name="duplicate_scan"),
    path("duplicates/<int:candidate_id>/dismiss/", duplicate_dismiss, name="duplicate_dismiss"),
]
