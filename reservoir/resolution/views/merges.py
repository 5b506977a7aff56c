"""Merge pages: compare two customers side by side and merge them, the list of merges, one
merge with its snapshots, and undoing it."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.iam.models import Team, User
from reservoir.parties import related
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import ContactKind, PartyRoleKind
from reservoir.parties.models import Party
from reservoir.resolution import survivorship
from reservoir.resolution.merging import may_merge, merge_parties, selectors, unmerge
from reservoir.resolution.merging.services import may_unmerge
from reservoir.resolution.models import Merge, MergeRule

PER_PAGE = 25
SIDES = ("a", "b")


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _party_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


GENDERS = {"male": gettext_lazy("Male"), "female": gettext_lazy("Female"),
           "other": gettext_lazy("Other")}  # fmt: skip


def _shown(key: str, value: Any) -> Any:
    """A stored code as people read it: "female" → Female, "zh-hans" → 简体中文."""
    if key == "gender":
        return GENDERS.get(value, value)
    if key == "language" and value:
        try:
            return translation.get_language_info(value)["name_translated"]
        except KeyError:
            return value
    return value


def _compare_rows(parties: dict[str, Party], picks: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for field in survivorship.FIELDS:
        values = {}
        for side, party in parties.items():
            if field.key == "name":
                values[side] = party.display_name
            elif field.key in ("owner", "team"):
                values[side] = getattr(party, field.key) or ""
            else:
                values[side] = _shown(field.key, getattr(party, field.columns[0]) or "")
        rows.append(
            {"key": field.key, "label": field.label, "values": values, "pick": picks[field.key]}
        )
    return rows


def _merge_context(request: HttpRequest, a: Party, b: Party, data: Any) -> dict[str, Any]:
    """Everything the comparison shows; `data` is the GET or POST query dict."""
    survivor_side = data.get("survivor")
    if survivor_side not in SIDES:  # by default the record an automatic merge would keep
        survivor_side = "a" if survivorship.choose_survivor(a, b)[0] == a else "b"
    rule = data.get("rule") if data.get("rule") in MergeRule.values else MergeRule.MOST_RECENT
    parties = {"a": a, "b": b}
    survivor, merged = parties[survivor_side], parties["b" if survivor_side == "a" else "a"]
    side_of = {"survivor": survivor_side, "merged": "b" if survivor_side == "a" else "a"}
    details: dict[str, dict[str, Any]] = {
        side: {
            "party": p,
            "contact_points": list(party_selectors.list_contact_points(p)),
            "addresses": list(party_selectors.list_addresses(p)),
        }
        for side, p in parties.items()
    }
    extras = (
        len(details[side_of["survivor"]]["contact_points"]),
        len(details[side_of["merged"]]["contact_points"]),
    )
    picks = survivorship.pick(rule, survivor, merged, extras=extras)
    sides = {key: side_of[side] for key, side in picks.items()}
    for key in survivorship.FIELD_KEYS:  # a posted form keeps what the user chose
        if request.method == "POST" and data.get(f"choice_{key}") in SIDES:
            sides[key] = data[f"choice_{key}"]
    counts = [
        {"label": label, "values": {side: n.get(p.pk, 0) for side, p in parties.items()}}
        for _key, label, n in related.counts([a.pk, b.pk])
    ]
    return {
        "a": a,
        "b": b,
        "parties": parties,
        "details": details,
        "rows": _compare_rows(parties, sides),
        "counts": counts,
        "survivor_side": survivor_side,
        "rule": rule,
        "rules": MergeRule.choices,
        "may_merge": may_merge(_actor(request), [a, b]),
    }


@login_required
def merge_new(request: HttpRequest) -> HttpResponse:
    """Side by side comparison of ?a= and ?b=; POST merges them and opens the survivor."""
    data = request.POST if request.method == "POST" else request.GET
    first, second = (_party_id(data.get(side)) for side in SIDES)
    if first is None or second is None:
        status = 400 if (data.get("a") or data.get("b")) else 200
        return render(request, "resolution/merge_new.html", {"pick_ids": True}, status=status)
    if first == second:
        messages.error(request, _("A customer cannot be merged with itself."))
        return render(request, "resolution/merge_new.html", {"pick_ids": True}, status=422)
    try:
        a, b = (
            party_selectors.get_party(actor=_actor(request), party_id=i) for i in (first, second)
        )
    except NotFound as exc:
        if exc.code != "party_merged":
            raise Http404(exc.message) from exc
        return render(
            request,
            "resolution/merge_new.html",
            {"pick_ids": True, "error": exc.message},
            status=409,
        )
    context = _merge_context(request, a, b, data)
    if request.method != "POST":
        return render(request, "resolution/merge_new.html", context)
    survivor_side: str = context["survivor_side"]
    survivor: Party = context["parties"][survivor_side]
    merged: Party = context["parties"]["b" if survivor_side == "a" else "a"]
    choices = {
        row["key"]: "survivor" if row["pick"] == survivor_side else "merged"
        for row in context["rows"]
    }
    try:
        merge = merge_parties(
            survivor, merged, by=_actor(request), choices=choices, rule=str(context["rule"])
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "resolution/merge_new.html", context, status=exc.status)
    messages.success(
        request,
        _("Merged %(merged)s into %(survivor)s (merge #%(id)s).")
        % {"merged": merged.display_name, "survivor": survivor.display_name, "id": merge.pk},
    )
    return redirect("workspace:party_detail", party_id=survivor.pk)


def _merge(request: HttpRequest, merge_id: int) -> Merge:
    try:
        return selectors.get_merge(actor=_actor(request), merge_id=merge_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    """Recent merges of customers the user may see; ?kind=auto|manual."""
    kind = request.GET.get("kind", "")
    auto = {"auto": True, "manual": False}.get(kind)
    qs = selectors.list_merges(actor=_actor(request), auto=auto)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    selectors.attach_moved(list(page.object_list))
    page_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return render(
        request,
        "resolution/merge_list.html",
        {"page": page, "page_range": page_range, "kind": kind if auto is not None else ""},
    )


def _snapshot_side(merge: Merge, party_id: int) -> dict[str, Any]:
    rows = merge.snapshot
    party: dict[str, Any] = next((p for p in rows.get("party", []) if p["id"] == party_id), {})
    kinds, roles = dict(ContactKind.choices), dict(PartyRoleKind.choices)
    return {
        "party": party,
        "contact_points": [
            {**r, "kind_label": kinds.get(r["kind"], r["kind"])}
            for r in rows.get("contact_point", [])
            if r["party_id"] == party_id
        ],
        "addresses": [r for r in rows.get("address", []) if r["party_id"] == party_id],
        "roles": [
            str(roles.get(r["role"], r["role"]))
            for r in rows.get("role", [])
            if r["party_id"] == party_id
        ],
        "traits": [r for r in rows.get("trait", []) if r["party_id"] == party_id],
    }


def _owner_and_team_names(parties: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """Names of the owners and teams a snapshot refers to (two queries)."""
    owner_ids = {int(p["owner_id"]) for p in parties if p.get("owner_id")}
    team_ids = {int(p["team_id"]) for p in parties if p.get("team_id")}
    return {
        "owner": {u.pk: str(u) for u in User.objects.filter(pk__in=owner_ids)},
        "team": {t.pk: t.name for t in Team.objects.filter(pk__in=team_ids)},
    }


@login_required
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    """One merge: both records as they were, what each field kept, what moved; Unmerge."""
    merge = _merge(request, merge_id)
    selectors.attach_moved([merge])
    sides = {
        "survivor": _snapshot_side(merge, merge.survivor_id),
        "merged": _snapshot_side(merge, merge.merged_id),
    }
    names = _owner_and_team_names([s["party"] for s in sides.values()])
    fields = []
    for field in survivorship.FIELDS:
        column = "display_name" if field.key == "name" else field.columns[0]
        values = {side: sides[side]["party"].get(column) for side in sides}
        if field.key in names:
            values = {side: names[field.key].get(v, v) for side, v in values.items()}
        fields.append({"label": field.label, **values, "kept": merge.choices.get(field.key)})
    return render(
        request,
        "resolution/merge_detail.html",
        {
            "merge": merge,
            "sides": sides,
            "fields": fields,
            "may_unmerge": merge.is_active and may_unmerge(_actor(request), merge),
        },
    )


@login_required
@require_POST
def merge_unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge; both customers are separate again."""
    merge = _merge(request, merge_id)
    try:
        unmerge(merge, by=_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        merge.survivor.refresh_from_db()
        merge.merged.refresh_from_db()
        messages.success(
            request,
            _("Merge #%(id)s undone: %(a)s and %(b)s are two customers again.")
            % {"id": merge.pk, "a": merge.survivor.display_name, "b": merge.merged.display_name},
        )
    return redirect("resolution:merge_detail", merge_id=merge.pk)


urlpatterns: list[URLPattern] = [
    path("merge/", merge_new, name="merge_new"),
    path("merges/", merge_list, name="merge_list"),
    path("merges/<int:merge_id>/", merge_detail, name="merge_detail"),
    path("merges/<int:merge_id>/unmerge/", merge_unmerge, name="merge_unmerge"),
]
