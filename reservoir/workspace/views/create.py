"""The "New customer" and "New organization" pages, their duplicate check and employer search.

The duplicate check runs while staff type (htmx, debounced): exact owners of the typed phone,
email or chat id first (a record the user may not see is announced without its name, as
Salesforce's duplicate rules do when they bypass sharing: the user typed the number, so its
existence is no secret, but the customer behind it is), then the matching engine's probable
matches among the parties the user may see. On submit an exact owner blocks the creation;
a probable match only warns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties import services as party_services
from reservoir.parties.enums import ContactKind, PartyKind, RelationshipKind, TraitSource
from reservoir.parties.models import Party
from reservoir.workspace.forms import add_domain_error
from reservoir.workspace.forms_create import (
    CONTACT_FIELDS,
    OrganizationNewForm,
    PartyNewForm,
    PersonNewForm,
    can_create_parties,
)
from reservoir.workspace.views.common import actor

EMPLOYER_OPTIONS = 8
SUGGESTIONS = 30


@dataclass
class ExactMatch:
    """A typed identifier that already belongs to a party (None: one the user cannot see)."""

    field: str
    kind: str
    value: str
    party: Party | None


@dataclass
class ProbableMatch:
    """A visible party the matching engine scored at or above the review threshold."""

    party: Party
    percent: int
    reasons: list[str]


@dataclass
class Matches:
    exact: list[ExactMatch] = field(default_factory=list)
    probable: list[ProbableMatch] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.exact and not self.probable


def _require_creator(request: HttpRequest) -> User:
    user = actor(request)
    if not can_create_parties(user):
        raise PermissionDenied(_("Your role may look at customers but not add them."))
    return user


def _form_class(kind: str) -> type[PartyNewForm]:
    return OrganizationNewForm if kind == PartyKind.ORGANIZATION else PersonNewForm


def exact_matches(user: User, form: PartyNewForm) -> list[ExactMatch]:
    """The owners of the identifiers typed; one or two indexed queries per identifier."""
    data = form.cleaned_data
    typed = [(name, kind, data.get(name, "")) for name, (kind, _label) in CONTACT_FIELDS.items()]
    if data.get("other_value"):
        typed.append(("other_value", data.get("other_kind", ""), data["other_value"]))
    out: list[ExactMatch] = []
    for name, kind, value in typed:
        if not value or name not in form.fields:
            continue
        party = party_selectors.identify_visible(actor=user, kind=kind, value=value)
        if party is not None or party_selectors.identify(kind, value) is not None:
            out.append(ExactMatch(name, kind, value, party))
    return out


def _record(form: PartyNewForm) -> Any:
    """What was typed as the matching engine's PartyRecord; None without a name."""
    from reservoir.resolution.matching import PartyRecord

    data = form.cleaned_data
    if not (data.get("display_name") or data.get("given_name") or data.get("family_name")):
        return None
    return PartyRecord(
        key="new",
        kind=form.kind,
        family_name=data.get("family_name") or "",
        given_name=data.get("given_name") or "",
        full_name=data.get("display_name") or "",
        birth_date=data.get("birth_date"),
        gender=data.get("gender") or "",
        emails=(data["email"],) if data.get("email") else (),
        phones=tuple(v for v in (data.get("mobile"), data.get("phone")) if v),
        other_ids=(f"wechat:{data['wechat']}",) if data.get("wechat") else (),
        street=data.get("street") or "",
        city=data.get("city") or "",
        region=data.get("region") or "",
        postal_code=data.get("postal_code") or "",
        country=data.get("country") or "",
    )


def probable_candidates(user: User, form: PartyNewForm, exclude: set[int]) -> list[Any]:
    """The matching engine's visible candidates for what was typed, best first."""
    try:
        from reservoir.resolution.selectors import match_record
    except ImportError:  # pragma: no cover - resolution ships with the project
        return []
    record = _record(form)
    if record is None:
        return []
    return list(match_record(record, actor=user, limit=5, exclude=exclude))


def _weight(evidence: Any) -> float:
    return -float(evidence.weight)


def find_matches(user: User, form: PartyNewForm) -> Matches:
    """Exact owners of the typed identifiers, then probable matches; the parties shown are
    loaded with their owner and team in one query, whatever their number."""
    exact = exact_matches(user, form)
    seen = {m.party.pk for m in exact if m.party is not None}
    found = probable_candidates(user, form, seen)
    ids = [*seen, *(c.party_id for c in found)]
    parties = (
        party_selectors.for_user(user).select_related("owner", "team").in_bulk(ids) if ids else {}
    )
    for m in exact:
        if m.party is not None:
            m.party = parties.get(m.party.pk, m.party)
    probable = [
        ProbableMatch(
            party=parties[c.party_id],
            percent=min(99, int(c.probability * 100)),  # 100 % is for shared identifiers
            reasons=[str(e.label) for e in sorted(c.evidence, key=_weight) if e.weight > 0][:3],
        )
        for c in found
        if c.party_id in parties
    ]
    return Matches(exact=exact, probable=probable)


def _taken_message(match: ExactMatch) -> str:
    """ "This phone number already belongs to <a>张伟</a>." (HTML, escaped)."""
    if match.party is None:
        texts: dict[str, str] = {
            ContactKind.PHONE: _(
                "This phone number already belongs to a customer you cannot see: ask a manager."
            ),
            ContactKind.EMAIL: _(
                "This email address already belongs to a customer you cannot see: ask a manager."
            ),
        }
        return conditional_escape(
            texts.get(match.kind)
            or _("This id already belongs to a customer you cannot see: ask a manager.")
        )
    named: dict[str, str] = {
        ContactKind.PHONE: _("This phone number already belongs to %(name)s."),
        ContactKind.EMAIL: _("This email address already belongs to %(name)s."),
    }
    text = named.get(match.kind) or _("This id already belongs to %(name)s.")
    link = format_html(
        '<a href="{}">{}</a>',
        reverse("workspace:party_detail", args=[match.party.pk]),
        match.party.display_name,
    )
    return mark_safe(conditional_escape(text) % {"name": link})  # noqa: S308 - both parts escaped


def _block_exact(form: PartyNewForm, exact: list[ExactMatch]) -> None:
    """Put "already belongs to" on each identifier's field: no duplicates through the UI."""
    for match in exact:
        form.add_error(match.field, _taken_message(match))


def _suggestions(user: User, column: str) -> list[str]:
    rows = (
        party_selectors.for_user(user)
        .exclude(**{column: ""})
        .values_list(column, flat=True)
        .annotate(n=Count("id"))
        .order_by("-n", column)[:SUGGESTIONS]
    )
    return list(rows)


def _create(user: User, form: PartyNewForm, employer: Party | None) -> Party:
    """Create the party, its contact points, address, employer link and tags in one
    transaction. Side effects: the services' audit entries and events (after commit)."""
    data = form.cleaned_data
    with transaction.atomic():
        party = party_services.create_party(by=user, **form.party_fields())
        for kind, value, label in form.contact_points():
            party_services.add_contact_point(party, kind=kind, raw=value, label=label, by=user)
        address = form.address_fields()
        if address:
            party_services.add_address(party, by=user, is_primary=True, **address)
        if employer is not None:
            party_services.relate(
                party,
                employer,
                kind=RelationshipKind.EMPLOYEE_OF,
                by=user,
                title=data.get("job_title", "").strip(),
            )
        if data.get("tags"):
            party_services.set_trait(
                party, key="tags", value=data["tags"], source=TraitSource.MANUAL, by=user
            )
    return party


def _employer(user: User, form: PartyNewForm) -> Party | None:
    pk = form.cleaned_data.get("employer")
    if not pk:
        return None
    org = party_selectors.for_user(user).filter(pk=pk, kind=PartyKind.ORGANIZATION).first()
    if org is None:
        form.add_error(None, _("Choose the employer from the list of organizations."))
    return org


def _new(request: HttpRequest, kind: str) -> HttpResponse:
    user = _require_creator(request)
    form_class = _form_class(kind)
    form = form_class(
        request.POST or None, actor=user, matches_url=reverse("workspace:party_new_matches")
    )
    matches = Matches()
    employer = None
    if request.method == "POST" and form.is_valid():
        employer = _employer(user, form)
        matches = find_matches(user, form)
        _block_exact(form, matches.exact)
        if not form.errors:
            try:
                party = _create(user, form, employer)
            except DomainError as exc:
                add_domain_error(
                    form, exc, display_name="given_name" if kind == PartyKind.PERSON else ""
                )
            else:
                messages.success(request, _("Created %(name)s.") % {"name": party.display_name})
                return redirect("workspace:party_detail", party_id=party.pk)
    elif request.method == "POST":
        employer = _employer(user, form) if "employer" in form.cleaned_data else None
        matches = find_matches(user, form)
    context = {
        "form": form,
        "kind": kind,
        "matches": matches,
        "employer": employer,
        "source_options": _suggestions(user, "source"),
        "industry_options": _suggestions(user, "industry") if kind != PartyKind.PERSON else [],
    }
    status = 422 if form.errors else 200
    return render(request, "workspace/party_new.html", context, status=status)


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    return _new(request, PartyKind.PERSON)


@login_required
def organization_new(request: HttpRequest) -> HttpResponse:
    return _new(request, PartyKind.ORGANIZATION)


@login_required
@require_POST
def party_new_matches(request: HttpRequest) -> HttpResponse:
    """The "Possible existing customers" panel for what has been typed so far (read-only)."""
    user = _require_creator(request)
    kind = request.POST.get("kind", PartyKind.PERSON)
    form = _form_class(kind)(request.POST, actor=user)
    form.is_valid()
    matches = find_matches(user, form)
    return render(request, "workspace/party_new_matches.html", {"matches": matches})


@login_required
def employer_options(request: HttpRequest) -> HttpResponse:
    """Visible organizations whose name matches `employer_q`, as radio options."""
    user = _require_creator(request)
    query = request.GET.get("employer_q", "").strip()[:100]
    orgs: list[Party] = []
    if query:
        orgs = list(
            party_selectors.list_parties(actor=user, search=query, kind=PartyKind.ORGANIZATION)[
                :EMPLOYER_OPTIONS
            ]
        )
    return render(request, "workspace/party_new_employers.html", {"orgs": orgs, "query": query})
