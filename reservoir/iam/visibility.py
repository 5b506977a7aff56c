"""The one visibility rule: which owned records a user may see.

`visible_q(user)` builds a Q object over a record's owner and owning team; every selector,
endpoint, search and export in Reservoir filters through it (via the app's `for_user`).
Unowned records (e.g. provisional parties created by an inbound contact) are visible to
everyone who may see customers at all: somebody must pick them up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from reservoir.iam.enums import ROLE_SCOPE, Scope

if TYPE_CHECKING:
    from reservoir.iam.models import User


def scope_for(user: User) -> str:
    """Return the visibility scope of `user` (superusers see all)."""
    if not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return Scope.ALL
    return ROLE_SCOPE.get(user.role, Scope.OWN)


def visible_team_ids(user: User) -> set[int]:
    """Return the ids of the teams whose records `user` sees (own team + managed teams)."""
    cached: set[int] | None = getattr(user, "_visible_team_ids", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    ids: set[int] = set()
    if scope in (Scope.TEAM, Scope.MANAGED) and user.team_id:
        ids.add(user.team_id)
    if scope == Scope.MANAGED:
        ids.update(user.managed_teams.values_list("id", flat=True))
    user._visible_team_ids = ids  # type: ignore[attr-defined]
    return ids


def visible_q(user: User, *, prefix: str = "", owner: str = "owner", team: str = "team") -> Q:
    """Return a Q limiting a queryset to the records `user` may see.

    `prefix` reaches the owned record through a relation (e.g. "party__").
    """
    scope = scope_for(user)
    if scope == Scope.ALL:
        return Q()
    if not scope:
        return Q(pk__in=[])
    owner_f, team_f = f"{prefix}{owner}", f"{prefix}{team}"
    unowned = Q(**{f"{owner_f}__isnull": True, f"{team_f}__isnull": True})
    q = unowned | Q(**{f"{owner_f}_id": user.pk})
    teams = visible_team_ids(user)
    if teams:
        q |= Q(**{f"{team_f}_id__in": sorted(teams)})
    return q
