"""Forms of the staff workspace: list filters, the timeline filter, logging a contact,
editing a party and adding a contact point."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from reservoir.core.errors import DomainError
from reservoir.iam.models import Team, User
from reservoir.parties.enums import ContactKind, PartyKind, PartyRoleKind, PartyStatus
from reservoir.parties.models import Party
from reservoir.timeline.enums import Channel, Direction, Kind, Outcome


def add_domain_error(form: forms.Form, exc: DomainError, **aliases: str) -> None:
    """Show a service's error on the form field it names (or above the form)."""
    name = aliases.get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


def _staff() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartyKind.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *PartyRoleKind.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_staff(), empty_label=_("Any owner")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("Any team")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PartyStatus.choices]
    )

    def selector_filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of parties.selectors.list_parties."""
        data = self.cleaned_data if self.is_valid() else {}
        owner, team = data.get("owner"), data.get("team")
        return {
            "search": data.get("q", ""),
            "kind": data.get("kind", ""),
            "role": data.get("role", ""),
            "owner_id": owner.pk if owner else None,
            "team_id": team.pk if team else None,
            "status": data.get("status", ""),
        }


class TimelineFilterForm(forms.Form):
    channel = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Any direction")), *Direction.choices],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "tl_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def selector_filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of timeline.selectors.list_timeline."""
        data = self.cleaned_data if self.is_valid() else {}
        since, until = data.get("since"), data.get("until")
        return {
            "channels": data.get("channel") or None,
            "kinds": [data["kind"]] if data.get("kind") else None,
            "direction": data.get("direction", ""),
            "since": _day_start(since) if since else None,
            "until": _day_start(until + dt.timedelta(days=1)) if until else None,
        }

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# What a "Log" entry becomes on the timeline: note/call/meeting → (channel, direction).
LOG_KINDS = [(Kind.NOTE, _("Note")), (Kind.CALL, _("Call")), (Kind.MEETING, _("Meeting"))]
NOTE_CHANNELS = [
    (c, label) for c, label in Channel.choices if c not in {Channel.WEB, Channel.CAMPAIGN}
]


class LogInteractionForm(forms.Form):
    """A note, call or meeting typed by a staff member on the Customer 360 page."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=LOG_KINDS, initial=Kind.NOTE, widget=forms.RadioSelect
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[(Direction.OUTBOUND, _("Outbound")), (Direction.INBOUND, _("Inbound"))],
        initial=Direction.OUTBOUND,
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("About a contact by"),
        choices=NOTE_CHANNELS,
        initial=Channel.PHONE,
        required=False,
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=255)
    body = forms.CharField(
        label=_("Details"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=0,
        max_value=24 * 60,
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        # Left blank, the contact is stamped at the moment it is logged, not when the page
        # was opened.
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "log_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("subject") and not data.get("body"):
            self.add_error("subject", _("Give a subject or some details."))
        when = data.get("occurred_at")
        if when and when > timezone.now() + dt.timedelta(days=366):
            self.add_error("occurred_at", _("That is more than a year ahead."))
        return data

    def interaction_fields(self) -> dict[str, Any]:
        """The cleaned values as InteractionInput keyword arguments (party and staff aside)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == Kind.CALL:
            channel, direction = Channel.PHONE, data.get("direction") or Direction.OUTBOUND
        elif kind == Kind.MEETING:
            channel, direction = Channel.MEETING, Direction.OUTBOUND
        else:
            channel, direction = data.get("channel") or Channel.PHONE, Direction.INTERNAL
        minutes = data.get("duration_minutes")
        text = data.get("body") or ""
        return {
            "kind": kind,
            "channel": channel,
            "direction": direction,
            "subject": data.get("subject") or "",
            # Staff type plain text; the timeline stores cleaned HTML.
            "body": linebreaks(escape(text)) if text else "",
            "outcome": data.get("outcome") or "",
            "duration_seconds": minutes * 60 if minutes is not None and kind != Kind.NOTE else None,
            "occurred_at": data.get("occurred_at") or None,
        }


class PartyEditForm(forms.Form):
    """A party's own fields; only the ones the user changed are sent to update_party."""

    display_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.CharField(label=_("Gender"), max_length=16, required=False)
    language = forms.CharField(label=_("Language"), max_length=10, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PartyStatus.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_staff(), empty_label=_("Nobody")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("No team")
    )

    PERSON_HIDDEN = ("display_name", "legal_name", "industry")
    ORGANIZATION_HIDDEN = ("given_name", "family_name", "birth_date", "gender")

    def __init__(self, *args: Any, party: Party, **kwargs: Any) -> None:
        initial = {name: getattr(party, name) for name in self.base_fields}
        initial.update(owner=party.owner_id, team=party.team_id)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.party = party
        for name in self.PERSON_HIDDEN if party.is_person else self.ORGANIZATION_HIDDEN:
            del self.fields[name]
        self.fields["given_name" if party.is_person else "display_name"].required = True

    def changes(self) -> dict[str, Any]:
        """The changed fields as update_party keyword arguments.

        A new owner without a new team moves the party to the owner's team (update_party).
        """
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in self.changed_data:
            value = data.get(name)
            if value is None and name not in ("owner", "team", "birth_date"):
                value = ""
            out[name] = value
        return out


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, initial="phone")
    value = forms.CharField(
        label=_("Phone, address or id"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. work, mobile")}),
    )
    is_primary = forms.BooleanField(label=_("Make primary"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cp_%s")
        super().__init__(*args, **kwargs)
