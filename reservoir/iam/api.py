"""API: the signed-in user and their personal API tokens."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from reservoir.core.api import Id, Page, PageQuery, paginate
from reservoir.core.errors import InvalidInput
from reservoir.iam import selectors, services
from reservoir.iam.schemas import MeOut, TokenCreated, TokenIn, TokenOut
from reservoir.iam.visibility import scope_for

router = Router()


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "scope": scope_for(user) or None,
        "team": user.team,
        "managed_team_ids": sorted(user.managed_teams.values_list("id", flat=True)),
        "language": user.language,
    }


@router.get("/tokens", response=Page[TokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.list_tokens(actor=request.auth)  # type: ignore[attr-defined]
    return paginate(qs, ("-created_at", "-id"), cursor=page.cursor, limit=page.limit)


@router.post("/tokens", response={201: TokenCreated}, summary="Issue an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, Any]]:
    if payload.expires_at is not None and payload.expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    token, raw = services.issue_token(
        user=request.auth,  # type: ignore[attr-defined]
        name=payload.name,
        expires_at=payload.expires_at,
    )
    return 201, {**TokenOut.from_orm(token).model_dump(), "token": raw}


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: Id) -> HttpResponse:
    services.revoke_token(user=request.auth, token_id=token_id)  # type: ignore[attr-defined]
    return HttpResponse(status=204)
