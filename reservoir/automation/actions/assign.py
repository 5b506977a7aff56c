"""Assignment: round robin or least loaded within a team, or by territory."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from reservoir.automation.actions.registry import ActionContext
from reservoir.automation.models import RoundRobinCursor
from reservoir.iam.models import User
from reservoir.parties import services as party_services
from reservoir.parties.models import PostalAddress
from reservoir.todos import selectors as todo_selectors


def team_members(team_id: int) -> list[User]:
    return list(User.objects.filter(team_id=team_id, is_active=True).order_by("id"))


def round_robin(key: str, members: list[User]) -> User:
    """The member after the one who got `key`'s last assignment (row-locked cursor)."""
    cursor, _created = RoundRobinCursor.objects.get_or_create(key=key[:200])
    cursor = RoundRobinCursor.objects.select_for_update().get(pk=cursor.pk)
    after = [m for m in members if cursor.last_user_id is None or m.pk > cursor.last_user_id]
    chosen = (after or members)[0]
    cursor.last_user_id = chosen.pk
    cursor.save(update_fields=["last_user_id", "updated_at"])
    return chosen


def least_loaded(members: list[User]) -> User:
    load = todo_selectors.open_load([m.pk for m in members])
    return min(members, key=lambda m: (load[m.pk], m.pk))


def parse_territories(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        region, sep, login = line.partition("=")
        if sep and region.strip() and login.strip():
            out[region.strip().casefold()] = login.strip()
    return out


def by_territory(party: Any, text: str) -> User | None:
    region = (
        PostalAddress.objects.filter(party=party)
        .order_by("-is_primary", "id")
        .values_list("region", flat=True)
        .first()
        or ""
    )
    login = parse_territories(text).get(region.strip().casefold())
    return User.objects.filter(username=login, is_active=True).first() if login else None


def run_assign(ctx: ActionContext, options: dict[str, Any]) -> str:
    strategy, team_id = options["strategy"], options.get("team")
    members = team_members(team_id) if team_id else []
    chosen: User | None = None
    if strategy == "territory":
        chosen = by_territory(ctx.party, options.get("territories", ""))
    if chosen is None and members:
        if strategy == "least_loaded":
            chosen = least_loaded(members)
        else:
            chosen = round_robin(f"rr:{ctx.rule_id}:{team_id}", members)
    if chosen is None:
        raise ValueError(_("Nobody to assign to: the team has no active member."))
    party_services.update_party(ctx.party, by=None, owner=chosen)
    ctx.state["assignee_id"] = chosen.pk
    return _("Assigned to %(u)s.") % {"u": chosen.username}
