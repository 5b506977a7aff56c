"""Writes for users, teams and API tokens. Every write is audited."""

from __future__ import annotations

import functools
import hashlib
import secrets
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.errors import InvalidInput, NotFound
from reservoir.iam.enums import Role
from reservoir.iam.models import APIToken, Team, User

TOKEN_PREFIX = "rsv_"  # noqa: S105 - a public marker, not a secret
_USER_FIELDS = ("first_name", "last_name", "email", "role", "team_id", "phone", "is_active")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_user(
    *,
    by: User | None,
    username: str,
    password: str | None = None,
    role: str = Role.SALES_REP,
    team: Team | None = None,
    **fields: Any,
) -> User:
    """Create a staff user. Side effects: audit entry."""
    username = username.strip()
    if not username:
        raise InvalidInput(_("A username is required."), field="username")
    if role not in Role.values:
        raise InvalidInput(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("That username is taken."), field="username")
    user = User(username=username, role=role, team=team, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.is_staff = role == Role.ADMINISTRATOR
    user.save()
    audit.record(by, "iam.user.created", user, data={"role": role})
    return user


@transaction.atomic
def update_user(user: User, *, by: User | None, **fields: Any) -> User:
    """Update a user's profile, role, team or active flag. Side effects: audit entry."""
    if "role" in fields and fields["role"] not in Role.values:
        raise InvalidInput(_("Unknown role “%(role)s”.") % {"role": fields["role"]}, field="role")
    before = audit.snapshot(user, _USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_staff = user.role == Role.ADMINISTRATOR or user.is_superuser
    user.save()
    audit.record(
        by, "iam.user.updated", user, audit.diff(before, audit.snapshot(user, _USER_FIELDS))
    )
    return user


@transaction.atomic
def set_password(user: User, *, by: User | None, password: str) -> None:
    """Set a user's password. Side effects: audit entry (without the password)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(by, "iam.user.password_changed", user)


@transaction.atomic
def save_team(
    *,
    by: User | None,
    team: Team | None = None,
    name: str,
    description: str = "",
    region: str = "",
    managers: list[User] | None = None,
) -> Team:
    """Create or update a team and its managers. Side effects: audit entry."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("A team needs a name."), field="name")
    clash = Team.objects.filter(name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise InvalidInput(_("A team with that name exists."), field="name")
    created = team is None
    team = team or Team()
    before = audit.snapshot(team, ("name", "description", "region")) if not created else {}
    team.name, team.description, team.region = name, description, region
    team.save()
    if managers is not None:
        team.managers.set(managers)
    after = audit.snapshot(team, ("name", "description", "region"))
    audit.record(
        by,
        "iam.team.created" if created else "iam.team.updated",
        team,
        audit.diff(before, after),
        data={"managers": [m.pk for m in managers or []]},
    )
    return team


@transaction.atomic
def issue_token(*, user: User, name: str, expires_at: Any = None) -> tuple[APIToken, str]:
    """Create a personal API token; return it and the raw secret (shown once, stored hashed).

    Side effects: audit entry.
    """
    if not name.strip():
        raise InvalidInput(_("Give the token a name."), field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = APIToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:12], digest=_hash(raw), expires_at=expires_at
    )
    audit.record(user, "iam.token.issued", token)
    return token, raw


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> None:
    """Revoke one of `user`'s tokens. Side effects: audit entry."""
    token = APIToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(user, "iam.token.revoked", token)


def authenticate_token(raw: str) -> User | None:
    """Return the active user owning the valid token `raw`, or None.

    One indexed query in hand-written SQL, compiled once: this runs on every API call, and
    the ORM's query compilation cost ten times the lookup itself. Nothing is cached between
    requests, so a revoked or expired token, or a deactivated user, is refused at once in
    every server process. Side effects: stamps last_used_at at most once a minute.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    sql, converters = _token_query(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_hash(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, funcs, expression in converters:
        for func in funcs:
            values[i] = func(values[i], expression, connection)
    token_id, expires_at, last_used_at = values[:3]
    user = User.from_db(connection.alias, _USER_ATTNAMES(), values[3:])
    now = timezone.now()
    if not user.is_active or (expires_at is not None and expires_at <= now):
        return None
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


@functools.cache
def _USER_ATTNAMES() -> list[str]:  # noqa: N802 - a constant computed once the models are loaded
    return [f.attname for f in User._meta.concrete_fields]


@functools.cache
def _token_query(alias: str) -> tuple[str, list[tuple[int, list[Any], Any]]]:
    """Return the token lookup SQL for database `alias` and, per column, the converters the
    ORM would apply (datetimes and booleans come back as text and integers on SQLite)."""
    conn = connections[alias]
    quote = conn.ops.quote_name
    token_fields = [APIToken._meta.get_field(n) for n in ("id", "expires_at", "last_used_at")]
    token_cols = [f.get_col("t") for f in token_fields if isinstance(f, Field)]
    user_cols = [f.get_col("u") for f in User._meta.concrete_fields]
    columns = ", ".join(f"{c.alias}.{quote(str(c.target.column))}" for c in token_cols + user_cols)

    def column(model: Any, name: str) -> str:
        return quote(str(model._meta.get_field(name).column))

    sql = (
        f"SELECT {columns} FROM {quote(APIToken._meta.db_table)} t "  # noqa: S608 - model names
        f"JOIN {quote(User._meta.db_table)} u ON u.{column(User, 'id')} = t.{column(APIToken, 'user')} "
        f"WHERE t.{column(APIToken, 'digest')} = %s AND t.{column(APIToken, 'revoked_at')} IS NULL"
    )
    converters = []
    for i, col in enumerate(token_cols + user_cols):
        funcs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
        if funcs:
            converters.append((i, funcs, col))
    return sql, converters
