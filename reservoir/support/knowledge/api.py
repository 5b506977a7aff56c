"""Knowledge-base API: search and read articles (public without sign-in; staff see internal)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from reservoir.core.api import BearerTokenAuth, SessionAuth
from reservoir.core.errors import PermissionDenied
from reservoir.iam.services import authenticate_token
from reservoir.support.knowledge import selectors
from reservoir.support.knowledge.models import Article
from reservoir.support.knowledge.services import is_staff


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Lets customers and the chat bot read public articles without a token."""
    return AnonymousUser()


# A bad token is still a 401 (BearerTokenAuth raises); no credentials reads as the public.
_AUTH = [BearerTokenAuth(authenticate_token), SessionAuth(), _anonymous]

router = Router(auth=_AUTH)

Audience = Literal["public", "staff"]
LanguageCode = Literal["en", "zh-hans", "zh-hant", "zh"]


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="What to look for")
    audience: Audience | None = Field(
        None, description="public (default without sign-in) or staff (needs a staff sign-in)"
    )
    language: LanguageCode | None = Field(None, description="Only articles in this language")
    limit: int = Field(10, ge=1, le=50)


class HitOut(Schema):
    id: int
    slug: str
    title: str
    language: str
    visibility: str
    category: str | None
    snippet: str = Field(description="HTML: escaped text with <mark> around the matches")
    score: float


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    language: str
    visibility: str
    category: str | None
    body_html: str
    version: int | None
    published_at: dt.datetime | None
    helpful_yes: int
    helpful_no: int
    translations: list[str] = Field(description="Slugs of the same article in other languages")


def _audience(request: HttpRequest, wanted: str | None) -> str:
    staff = is_staff(request.auth)  # type: ignore[attr-defined]
    if wanted == "staff" and not staff:
        raise PermissionDenied(_("Internal articles are for signed-in staff."))
    return wanted or ("staff" if staff else "public")


@router.get("/kb/search", response=list[HitOut], summary="Search the knowledge base")
def search(request: HttpRequest, filters: Query[SearchQuery]) -> list[dict[str, Any]]:
    audience = _audience(request, filters.audience)
    hits = selectors.search(
        filters.q, audience=audience, language=filters.language, limit=filters.limit
    )
    return [
        {
            "id": h.article.pk,
            "slug": h.article.slug,
            "title": h.article.title,
            "language": h.article.language,
            "visibility": h.article.visibility,
            "category": h.article.category.name if h.article.category else None,
            "snippet": str(h.snippet),
            "score": h.score,
        }
        for h in hits
    ]


def _article_out(article: Article, audience: str) -> dict[str, Any]:
    version = article.current_version
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "language": article.language,
        "visibility": article.visibility,
        "category": article.category.name if article.category else None,
        "body_html": version.body_html if version else "",
        "version": version.number if version else None,
        "published_at": article.published_at,
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
        "translations": [a.slug for a in selectors.translations(article, audience=audience)],
    }


@router.get("/kb/articles/{slug}", response=ArticleOut, summary="One published article")
def get_article(request: HttpRequest, slug: str) -> dict[str, Any]:
    audience = _audience(request, None)
    return _article_out(selectors.get_article(audience=audience, slug=slug[:120]), audience)
