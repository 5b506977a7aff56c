"""Forms of the "New customer" and "New organization" pages.

Contact points are normalized in `clean_<field>` with the parties normalizer, so a bad
phone or email shows the normalizer's own message on its field before anything is written.
Owner and team choices are limited to what the creator may see: a sales rep cannot create
a customer that would vanish from their own book.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservoir.core.errors import InvalidInput
from reservoir.iam.enums import Role, Scope
from reservoir.iam.models import Team, User
from reservoir.iam.visibility import scope_for, visible_team_ids
from reservoir.parties.enums import ContactKind, PartyKind, PartyRoleKind
from reservoir.parties.normalize import normalize

# Roles that own customers or bring in leads; analysts only read.
CREATOR_ROLES = (
    Role.SALES_REP,
    Role.MARKETER,
    Role.SERVICE_AGENT,
    Role.CONTACT_CENTER_AGENT,
)
GENDERS = [("", "—"), ("female", _("Female")), ("male", _("Male")), ("other", _("Other"))]
NAME_ORDERS = [
    ("", _("Automatic (from the script typed)")),
    ("eastern", _("Family name first (张伟)")),
    ("western", _("Given name first (Alice Smith)")),
]
COUNTRIES = [
    ("CN", _("China (mainland)")),
    ("HK", _("Hong Kong")),
    ("MO", _("Macao")),
    ("TW", _("Taiwan")),
    ("SG", _("Singapore")),
    ("MY", _("Malaysia")),
    ("JP", _("Japan")),
    ("KR", _("South Korea")),
    ("AU", _("Australia")),
    ("CA", _("Canada")),
    ("DE", _("Germany")),
    ("FR", _("France")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
]
OTHER_CHATS = [
    (k, label)
    for k, label in ContactKind.choices
    if k in {"whatsapp", "line", "qq", "telegram", "weibo", "linkedin"}
]
# Form field → (contact kind, label stored on the contact point).
CONTACT_FIELDS: dict[str, tuple[str, str]] = {
    "mobile": (ContactKind.PHONE, "mobile"),
    "phone": (ContactKind.PHONE, "work"),
    "email": (ContactKind.EMAIL, ""),
    "wechat": (ContactKind.WECHAT, ""),
}
MATCH_FIELDS = (
    "given_name", "family_name", "display_name", "birth_date", "mobile", "phone", "email", "wechat",
)  # fmt: skip


def can_create_parties(user: Any) -> bool:
    """True when `user` may add customers and organizations (everyone but analysts)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(user.has_role(role) for role in CREATOR_ROLES)


def _owner_choices(user: User) -> QuerySet[User]:
    staff = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    if scope_for(user) == Scope.ALL:
        return staff
    return staff.filter(Q(pk=user.pk) | Q(team_id__in=sorted(visible_team_ids(user))))


def _team_choices(user: User) -> QuerySet[Team]:
    if scope_for(user) == Scope.ALL:
        return Team.objects.all()
    return Team.objects.filter(pk__in=sorted(visible_team_ids(user)))


def split_tags(text: str) -> list[str]:
    """ "VIP, 展会；golf" → ["VIP", "展会", "golf"] (order kept, duplicates dropped)."""
    for sep in "，；;\n":
        text = text.replace(sep, ",")
    return list(dict.fromkeys(t.strip()[:50] for t in text.split(",") if t.strip()))


class PartyNewForm(forms.Form):
    """The fields both kinds share: contacts, address, classification and ownership."""

    mobile = forms.CharField(label=_("Mobile"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=100, required=False)
    other_kind = forms.ChoiceField(label=_("Other chat"), choices=OTHER_CHATS, required=False)
    other_value = forms.CharField(label=_("Chat id"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country / region"), choices=COUNTRIES, initial="CN")
    region = forms.CharField(label=_("Province / state"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    street = forms.CharField(label=_("Street address"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=PartyRoleKind.choices,
        initial=[PartyRoleKind.PROSPECT],
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Where this customer came from, e.g. “Trade show 2026”."),
        widget=forms.TextInput(attrs={"list": "source-options", "autocomplete": "off"}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separate with commas."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=User.objects.none(), empty_label=_("Nobody")
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.none(),
        empty_label=_("The owner's team"),
    )

    kind = PartyKind.PERSON
    SECTIONS: dict[Any, tuple[str, ...]] = {}

    def __init__(self, *args: Any, actor: User, matches_url: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(owner=actor.pk, team=actor.team_id)
        super().__init__(*args, **kwargs)
        self.actor = actor
        owner_field: Any = self.fields["owner"]
        team_field: Any = self.fields["team"]
        owner_field.queryset = _owner_choices(actor)
        team_field.queryset = _team_choices(actor)
        if matches_url:
            for name in MATCH_FIELDS:
                if name in self.fields:
                    self.fields[name].widget.attrs.update(
                        {
                            "hx-post": matches_url,
                            "hx-trigger": "input changed delay:400ms",
                            "hx-target": "#party-matches",
                            "hx-sync": "closest form:replace",
                            "hx-indicator": "#matches-spinner",
                        }
                    )
        for name in ("mobile", "phone"):
            self.fields[name].widget.attrs.update(
                {"type": "tel", "autocomplete": "off", "inputmode": "tel"}
            )
        self.fields["email"].widget.attrs.update({"type": "email", "autocomplete": "off"})

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The bound fields grouped under their card titles, in page order."""
        return [(str(title), [self[n] for n in names]) for title, names in self.SECTIONS.items()]

    def _contact(self, name: str) -> str:
        raw = self.cleaned_data.get(name, "").strip()
        if not raw:
            return ""
        kind, _label = CONTACT_FIELDS[name]
        try:
            return normalize(kind, raw)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_mobile(self) -> str:
        return self._contact("mobile")

    def clean_phone(self) -> str:
        return self._contact("phone")

    def clean_email(self) -> str:
        return self._contact("email")

    def clean_wechat(self) -> str:
        return self._contact("wechat")

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = (data.get("other_value") or "").strip()
        if value:
            try:
                data["other_value"] = normalize(data.get("other_kind") or "", value)
            except InvalidInput as exc:
                self.add_error("other_value", exc.message)
        owner, team = data.get("owner"), data.get("team")
        if owner is not None and team is None:
            team = owner.team
        if team is not None and team.pk not in {t.pk for t in self.fields["team"].queryset}:  # type: ignore[attr-defined]
            self.add_error("team", _("Choose your own team: you could not see this customer."))
        return data

    def contact_points(self) -> list[tuple[str, str, str]]:
        """The normalized contact points typed: (kind, value, label)."""
        data = self.cleaned_data
        out = [
            (kind, data[name], label)
            for name, (kind, label) in CONTACT_FIELDS.items()
            if data.get(name)
        ]
        if data.get("other_value"):
            out.append((data["other_kind"], data["other_value"], ""))
        return out

    def address_fields(self) -> dict[str, str] | None:
        """The address as add_address keyword arguments, or None when none was typed."""
        data = self.cleaned_data
        parts = ("region", "city", "district", "street", "postal_code")
        if not any(data.get(p) for p in parts):
            return None
        return {"country": data["country"], **{p: data.get(p, "").strip() for p in parts}}

    def party_fields(self) -> dict[str, Any]:
        """create_party keyword arguments (contacts, address and tags aside)."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "kind": self.kind,
            "roles": list(data.get("roles") or []),
            "source": data.get("source", "").strip(),
            "owner": data.get("owner"),
        }
        if data.get("team") is not None or data.get("owner") is None:
            fields["team"] = data.get("team")
        return fields


class PersonNewForm(PartyNewForm):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    name_order = forms.ChoiceField(label=_("Name order"), choices=NAME_ORDERS, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=GENDERS, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)

    kind = PartyKind.PERSON
    SECTIONS: dict[Any, tuple[str, ...]] = {
        _("Name"): ("family_name", "given_name", "name_order", "birth_date", "gender", "language"),
        _("Phone, email and chat"): (
            "mobile", "phone", "email", "wechat", "other_kind", "other_value",
        ),
        _("Address"): ("country", "region", "city", "district", "street", "postal_code"),
        _("Classification and owner"): ("roles", "source", "tags", "owner", "team"),
    }  # fmt: skip

    def clean_birth_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date is in the future."))
        return value

    def party_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().party_fields(),
            "given_name": data["given_name"].strip(),
            "family_name": data.get("family_name", "").strip(),
            "name_order": data.get("name_order") or "",
            "birth_date": data.get("birth_date"),
            "gender": data.get("gender") or "",
            "language": data.get("language") or "",
        }


class OrganizationNewForm(PartyNewForm):
    display_name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    industry = forms.CharField(
        label=_("Industry"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "industry-options", "autocomplete": "off"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    kind = PartyKind.ORGANIZATION
    SECTIONS: dict[Any, tuple[str, ...]] = {
        _("Organization"): ("display_name", "legal_name", "industry", "website"),
        _("Phone, email and chat"): ("phone", "email", "wechat", "other_kind", "other_value"),
        _("Address"): ("country", "region", "city", "district", "street", "postal_code"),
        _("Classification and owner"): ("roles", "source", "tags", "owner", "team"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["mobile"]
        self.fields["phone"].label = _("Phone")

    def party_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().party_fields(),
            "display_name": data["display_name"].strip(),
            "legal_name": data.get("legal_name", "").strip(),
            "industry": data.get("industry", "").strip(),
            "website": data.get("website") or "",
        }
