"""Forms of the contact-rules pages: tables, input columns, rows, publishing, filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.core.errors import DomainError
from reservoir.decisions.enums import DecisionChannel, HitPolicy, OfferKind, Suppress
from reservoir.decisions.models import TableInput, TableRow

CELL_HELP = _("- (any) · gold · gold, silver · > 5 · [1..5] · not(gold) · = any expression")


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class TableForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("Short id used in the log and the API, e.g. cross-sell."),
    )
    description = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hit_policy = forms.ChoiceField(label=_("Hit policy"), choices=HitPolicy.choices)
    position = forms.IntegerField(
        label=_("Evaluation order"), min_value=0, max_value=10_000, initial=100,
        help_text=_("Tables are evaluated from the lowest number up."),
    )  # fmt: skip


class TableSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    position = forms.IntegerField(label=_("Evaluation order"), min_value=0, max_value=10_000)
    hit_policy = forms.ChoiceField(
        label=_("Hit policy (draft)"), choices=HitPolicy.choices,
        help_text=_("First: the first matching row. Highest routing priority: one row. Collect: every matching row."),
    )  # fmt: skip


class InputForm(forms.Form):
    label = forms.CharField(label=_("Column label"), max_length=80)
    expression = forms.CharField(
        label=_("Expression"),
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "mono", "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("A fact such as customer.segment, or a condition such as "
                    "customer.orders_count > 3 && !customer.has_open_complaint."),
    )  # fmt: skip

    @classmethod
    def for_column(cls, data: Any, column: TableInput | None) -> InputForm:
        initial = {"label": column.label, "expression": column.expression} if column else None
        return cls(data, initial=initial)


class RowForm(forms.Form):
    """One test field per input column (cell_0…), then the outputs."""

    offer_code = forms.CharField(
        label=_("Offer (SKU or offer code)"), max_length=64, required=False
    )
    offer_kind = forms.ChoiceField(label=_("Offer kind"), choices=OfferKind.choices, required=False)
    offer_margin = forms.DecimalField(
        label=_("Margin if accepted"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    discount_pct = forms.DecimalField(
        label=_("Discount %"), max_digits=5, decimal_places=2, required=False
    )
    discount_on = forms.CharField(
        label=_("Discount applies to"), max_length=120, required=False,
        help_text=_("A category or SKU; empty for the whole order."),
    )  # fmt: skip
    price_list = forms.CharField(label=_("Price list"), max_length=64, required=False)
    suppress = forms.ChoiceField(label=_("Suppress"), choices=Suppress.choices, required=False)
    priority = forms.IntegerField(
        label=_("Routing priority"), required=False, min_value=0, max_value=100
    )
    script = forms.CharField(
        label=_("Script text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Reason (shown to staff)"), max_length=255, required=False)

    def __init__(self, data: Any, *, inputs: list[TableInput], row: TableRow | None) -> None:
        initial: dict[str, Any] = {}
        if row is not None:
            initial = {name: getattr(row, name) for name in self.base_fields}
            initial.update({f"cell_{i}": c for i, c in enumerate(row.cells)})
        super().__init__(data, initial=initial)
        cells = {}
        for i, column in enumerate(inputs):
            cells[f"cell_{i}"] = forms.CharField(
                label=column.label, required=False, max_length=2000, initial="-",
                help_text=f"{column.expression} · {column.value_type}",
                widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off", "placeholder": "-"}),
            )  # fmt: skip
        self.fields = {**cells, **self.fields}
        self.cell_names = list(cells)

    def cells(self) -> list[str]:
        return [self.cleaned_data.get(name) or "-" for name in self.cell_names]

    def outputs(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.base_fields}
        for text in ("offer_code", "discount_on", "price_list", "script", "reason", "suppress"):
            data[text] = (data[text] or "").strip()
        data["offer_kind"] = data["offer_kind"] or OfferKind.SALES
        return data


class PublishForm(forms.Form):
    effective_from = forms.DateTimeField(
        label=_("Effective from"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: at once."),
    )  # fmt: skip
    effective_to = forms.DateTimeField(
        label=_("Effective until"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: until replaced."),
    )  # fmt: skip
    note = forms.CharField(label=_("Change note"), max_length=255, required=False)


class SimulatorForm(forms.Form):
    party = forms.IntegerField(
        label=_("Customer id"), min_value=1, max_value=2**63 - 1, required=False
    )
    q = forms.CharField(label=_("Find a customer"), max_length=200, required=False)
    intent = forms.CharField(label=_("Reason for contact"), max_length=100, required=False)
    basket = forms.CharField(
        label=_("Basket SKUs"), max_length=500, required=False, help_text=_("Comma-separated.")
    )

    def skus(self) -> tuple[str, ...]:
        raw = self.cleaned_data.get("basket") or ""
        return tuple(s.strip() for s in raw.split(",") if s.strip())[:50]


class LogFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *DecisionChannel.choices],
    )
    party = forms.IntegerField(
        label=_("Customer id"), required=False, min_value=1, max_value=2**63 - 1
    )
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
