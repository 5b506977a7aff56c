"""Forms of the knowledge-base staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.sales.models import Product
from reservoir.support.knowledge.models import (
    Article,
    ArticleStatus,
    Category,
    Language,
    Visibility,
)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        help_text=_("Internal articles are shown to staff only."),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    translation_of = forms.ModelChoiceField(
        label=_("Translation of"),
        queryset=Article.objects.none(),
        required=False,
        help_text=_("Link this article to the same article in another language."),
    )
    body_html = forms.CharField(label=_("Article"), required=False, widget=forms.Textarea)
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("order", "name")  # type: ignore[attr-defined]
        self.fields["product"].queryset = Product.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["category"].empty_label = _("No category")  # type: ignore[attr-defined]
        self.fields["product"].empty_label = _("No product")  # type: ignore[attr-defined]
        self.fields["translation_of"].empty_label = _("Not a translation")  # type: ignore[attr-defined]
        others = Article.objects.order_by("title")
        if article is not None:
            others = others.exclude(translation_key=article.translation_key)
        self.fields["translation_of"].queryset = others  # type: ignore[attr-defined]
        for name in ("title", "change_note"):
            self.fields[name].widget.attrs["class"] = "input"
        for name in ("category", "language", "visibility", "product", "translation_of"):
            self.fields[name].widget.attrs["class"] = "select"


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *Language.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *ArticleStatus.choices], required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=[("", _("Public and internal")), *Visibility.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = Category.objects.order_by("order", "name")  # type: ignore[attr-defined]
        field.empty_label = _("All categories")  # type: ignore[attr-defined]
        for name in ("category", "language", "status", "visibility"):
            self.fields[name].widget.attrs.update(
                {"class": "select", "aria-label": str(self.fields[name].label or name)}
            )

    def value(self, name: str) -> Any:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get(name)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ModelChoiceField(
        label=_("Parent"), queryset=Category.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=10_000, initial=0)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, editing: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Category.objects.order_by("order", "name")
        if editing is not None:
            parents = parents.exclude(pk=editing.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = _("No parent (top level)")  # type: ignore[attr-defined]
        for name in ("name", "order", "description"):
            self.fields[name].widget.attrs["class"] = "input"
        self.fields["parent"].widget.attrs["class"] = "select"
