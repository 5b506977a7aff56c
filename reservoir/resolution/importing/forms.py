"""Forms of the import wizard: the upload with its options, and the column mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from reservoir.iam.models import Team, User
from reservoir.resolution.importing.fields import FIELDS
from reservoir.resolution.importing.readers import ENCODINGS
from reservoir.resolution.importing.services import ImportOptions
from reservoir.resolution.models import DuplicatePolicy, OwnerMode


def _staff() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, Excel (.xlsx) or vCard (.vcf); the first row of a sheet names the columns."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,.xlsx,.vcf,.vcard", "class": "input"}
        ),
    )
    source_tag = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=_("Where these customers come from; stored on every new customer."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Trade show 2026"), "class": "input"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        required=False,
        choices=[("", _("Detect automatically"))] + [(k, v) for k, v in ENCODINGS.items() if k],
        help_text=_("Chinese Excel saves CSV as GBK (mainland) or Big5 (Taiwan, Hong Kong)."),
        widget=forms.Select(attrs={"class": "select"}),
    )
    duplicate_policy = forms.ChoiceField(
        label=_("When a row is already a customer"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.UPDATE,
        widget=forms.Select(attrs={"class": "select"}),
    )
    owner_mode = forms.ChoiceField(
        label=_("Owner of new customers"),
        choices=OwnerMode.choices,
        initial=OwnerMode.ME,
        widget=forms.Select(attrs={"class": "select"}),
    )
    owner_user = forms.ModelChoiceField(
        label=_("User"),
        required=False,
        queryset=_staff(),
        empty_label=_("Choose a user"),
        help_text=_("Owner when “a chosen user”; fallback for territories without a rule."),
        widget=forms.Select(attrs={"class": "select"}),
    )
    owner_team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.all(),
        empty_label=_("Choose a team"),
        help_text=_("Its members take turns when “round robin”."),
        widget=forms.Select(attrs={"class": "select"}),
    )
    territory_rules = forms.CharField(
        label=_("Territory rules"),
        required=False,
        help_text=_("One per line: “province = username” or “province/city = username”."),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "class": "textarea mono",
                "placeholder": "广东 = sales\n北京/北京 = sales2",
            }
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            source_tag=data["source_tag"],
            encoding=data.get("encoding") or "",
            owner_mode=data["owner_mode"],
            owner_user=data.get("owner_user"),
            owner_team=data.get("owner_team"),
            duplicate_policy=data["duplicate_policy"],
        )


class MappingForm(forms.Form):
    """One select per column of the file, initialised with the job's current mapping."""

    def __init__(self, *args: Any, columns: list[str], mapping: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— Do not import —"))] + [(f.key, f.label) for f in FIELDS]
        for index, header in enumerate(columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
                widget=forms.Select(attrs={"class": "select"}),
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or "" for i in range(len(self.fields))]
