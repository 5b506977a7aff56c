"""Forms of the completeness pages: the weights editor and the gap report's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.iam.models import User
from reservoir.parties.enums import PartyKind, PartyRoleKind
from reservoir.resolution.completeness.fields import FIELDS
from reservoir.resolution.completeness.report import NONE, ReportFilters
from reservoir.resolution.completeness.weights import MAX_WEIGHT, Weights
from reservoir.resolution.models.completeness import AppliesTo

BREAKDOWNS = (("segment", _("Segment")), ("owner", _("Owner")), ("source", _("Source")))


class WeightsForm(forms.Form):
    """One weight (0–100) and one "applies to" choice per catalogue field."""

    def __init__(self, *args: Any, weights: Weights, **kwargs: Any) -> None:
        initial: dict[str, object] = {}
        for w in weights.items:
            initial[f"{w.key}-weight"] = w.weight
            initial[f"{w.key}-applies"] = w.applies_to
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        labels = dict(AppliesTo.choices)
        self.rows = []
        for spec in FIELDS:
            weight = forms.IntegerField(
                label=_("Weight"), min_value=0, max_value=MAX_WEIGHT, help_text=str(spec.help)
            )
            weight.widget.attrs.update({"class": "input input-sm", "inputmode": "numeric"})
            applies = forms.ChoiceField(
                label=_("Applies to"), choices=[(a, labels[a]) for a in spec.allowed]
            )
            applies.widget.attrs["class"] = "select select-sm"
            self.fields[f"{spec.key}-weight"] = weight
            self.fields[f"{spec.key}-applies"] = applies
            self.rows.append((spec, self[f"{spec.key}-weight"], self[f"{spec.key}-applies"]))

    def values(self) -> dict[str, tuple[int, str]]:
        """{key: (weight, applies_to)} of the valid fields (call after is_valid)."""
        data = self.cleaned_data
        return {
            spec.key: (data[f"{spec.key}-weight"], data[f"{spec.key}-applies"])
            for spec in FIELDS
            if f"{spec.key}-weight" in data and f"{spec.key}-applies" in data
        }


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartyKind.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *PartyRoleKind.choices, (NONE, _("No role"))],
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    by = forms.ChoiceField(label=_("Breakdown"), required=False, choices=BREAKDOWNS)

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True).order_by("first_name", "last_name", "pk")
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", _("Any owner")),
            (NONE, _("Nobody (unowned)")),
            *((str(u.pk), str(u)) for u in staff),
        ]
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            ("", _("Any source")),
            (NONE, _("No source")),
            *((s, s) for s in sources),
        ]

    def _valid(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def report_filters(self) -> ReportFilters:
        """The valid filters; an invalid one is ignored (a stale link still shows a report)."""
        data = self._valid()
        return ReportFilters(
            kind=data.get("kind", ""),
            role=data.get("role", ""),
            owner=data.get("owner", ""),
            source=data.get("source", ""),
        )

    def breakdown(self) -> str:
        return str(self._valid().get("by") or "segment")
