"""API schemas for the signed-in user and personal API tokens."""

import datetime as dt

from ninja import Field, Schema

from reservoir.core.api import Input, Instant
from reservoir.iam.enums import Role, Scope


class TeamRef(Schema):
    id: int
    name: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: Role
    scope: Scope | None = Field(description="Which customers this user sees.")
    team: TeamRef | None
    managed_team_ids: list[int]
    language: str


class TokenIn(Input):
    name: str = Field(min_length=1, max_length=100)
    expires_at: Instant | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters, to tell tokens apart.")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown once, store it now.")
