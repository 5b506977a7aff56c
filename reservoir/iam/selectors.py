"""Reads for users, teams and tokens."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from reservoir.iam.models import APIToken, Team, User


def list_users(
    *, actor: User, search: str = "", role: str = "", team_id: int | None = None
) -> QuerySet[User]:
    """Return staff users, filtered; every signed-in user may see the staff directory."""
    qs = User.objects.select_related("team").order_by("first_name", "last_name", "username")
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if role:
        qs = qs.filter(role=role)
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs


def list_teams(*, actor: User) -> QuerySet[Team]:
    """Return teams with member counts and managers."""
    return Team.objects.annotate(member_count=Count("members")).prefetch_related("managers")


def list_tokens(*, actor: User) -> QuerySet[APIToken]:
    """Return the actor's own tokens (nobody sees another person's tokens)."""
    return APIToken.objects.filter(user=actor)
