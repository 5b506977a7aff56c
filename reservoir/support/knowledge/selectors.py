"""Reading the knowledge base, always through the audience rule: customers (anonymous or
signed in to the portal) see published public articles; staff also see internal ones, and on
the staff pages drafts and archived articles too."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput, NotFound
from reservoir.support.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    Category,
    Language,
    Visibility,
)
from reservoir.support.knowledge.search import highlight, plain_text, rank
from reservoir.support.knowledge.services import is_staff

AUDIENCES = ("public", "staff")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
MAX_QUERY = 200
MAX_LIMIT = 50


def audience_for(user: Any) -> str:
    """ "staff" for signed-in staff, "public" for everyone else."""
    return "staff" if is_staff(user) else "public"


def _language_q(language: str | None) -> Q:
    if not language:
        return Q()
    if language == "zh":
        return Q(language__in=[Language.ZH_HANS, Language.ZH_HANT])
    if language not in Language.values:
        raise InvalidInput(_("Unknown language."), field="language")
    return Q(language=language)


def readable(audience: str) -> QuerySet[Article]:
    """Published articles the audience may read."""
    if audience not in AUDIENCES:
        raise InvalidInput(_("The audience is public or staff."), field="audience")
    qs = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    if audience == "public":
        qs = qs.filter(visibility=Visibility.PUBLIC)
    return qs


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: SafeString


def _hits(qs: QuerySet[Article], query: str, *, limit: int, prefix: bool) -> list[Hit]:
    query = (query or "").replace("\x00", "").strip()[:MAX_QUERY]
    limit = max(1, min(int(limit), MAX_LIMIT))
    ranked = rank(qs, query, limit=limit, prefix=prefix)
    if not ranked:
        return []
    found = qs.select_related("category", "current_version").in_bulk([pk for pk, _s in ranked])
    hits = []
    for pk, score in ranked:
        article = found[pk]
        body = article.current_version.body_html if article.current_version else ""
        hits.append(Hit(article=article, score=score, snippet=highlight(plain_text(body), query)))
    return hits


def search(query: str, *, audience: str, language: str | None = None, limit: int = 10) -> list[Hit]:
    """Published articles matching `query`, best first, with highlighted snippets.

    Chinese queries are segmented, 繁體 and 简体 match each other, English words match other
    inflections. `language` ("en", "zh-hans", "zh-hant", or "zh" for both) narrows the set.
    """
    qs = readable(audience).filter(_language_q(language))
    return _hits(qs, query, limit=limit, prefix=False)


def suggest(text: str, *, audience: str, language: str | None = None, limit: int = 5) -> list[Hit]:
    """Articles for a half-typed case subject or message (the last word may be unfinished)."""
    qs = readable(audience).filter(_language_q(language))
    return _hits(qs, text, limit=limit, prefix=True)


def public_search(query: str, language: str | None = None, limit: int = 10) -> list[Hit]:
    """Search for the portal and the chat bot: published public articles only."""
    return search(query, audience="public", language=language, limit=limit)


def get_article(*, audience: str, slug: str) -> Article:
    """A published article by slug the audience may read, with category and current text."""
    if not _SLUG.fullmatch(slug or ""):
        raise NotFound(_("No article %(slug)s.") % {"slug": slug[:120]})
    article = (
        readable(audience).select_related("category", "current_version").filter(slug=slug).first()
    )
    if article is None:
        raise NotFound(_("No article %(slug)s.") % {"slug": slug})
    return article


def get_public_article(slug: str) -> Article:
    """A published public article (portal, chat bot); NotFound for any other."""
    return get_article(audience="public", slug=slug)


def translations(article: Article, *, audience: str | None = None) -> list[Article]:
    """The other-language versions of `article` (published and readable, unless staff pages)."""
    qs = readable(audience) if audience else Article.objects.all()
    return list(qs.filter(translation_key=article.translation_key).exclude(pk=article.pk))


# Staff pages -------------------------------------------------------------------------------


def get_staff_article(*, actor: Any, article_id: int) -> Article:
    """Any article, for staff (drafts and archived included)."""
    if not is_staff(actor):
        raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
    article = (
        Article.objects.select_related(
            "category", "current_version", "current_version__author", "product"
        )
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
    return article


def list_articles(
    *,
    actor: Any,
    query: str = "",
    category_id: int | None = None,
    language: str = "",
    status: str = "",
    visibility: str = "",
) -> list[Article] | QuerySet[Article]:
    """Articles for the staff list: filtered, searched (ranked) when `query` is given."""
    if not is_staff(actor):
        return Article.objects.none()
    qs = Article.objects.select_related("category", "updated_by").filter(_language_q(language))
    if category_id:
        qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    if status in ArticleStatus.values:
        qs = qs.filter(status=status)
    if visibility in Visibility.values:
        qs = qs.filter(visibility=visibility)
    query = query.replace("\x00", "").strip()[:MAX_QUERY]
    if not query:
        return qs.order_by("-updated_at", "-id")
    ranked = rank(qs, query, limit=200)
    found = qs.in_bulk([pk for pk, _s in ranked])
    return [found[pk] for pk, _s in ranked]


def list_categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("order", "name")


def list_categories_with_counts() -> QuerySet[Category]:
    """Categories with `n_published` and `n_all` article counts (one query)."""
    return list_categories().annotate(
        n_all=Count("articles"),
        n_published=Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED)),
    )


def list_versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("author").order_by("-number")


@dataclass(frozen=True)
class VersionDiff:
    old: ArticleVersion
    new: ArticleVersion
    lines: list[tuple[str, str]]  # (kind: "same"|"add"|"del"|"gap", text)


def diff_versions(article: Article, *, old: int, new: int) -> VersionDiff:
    """A line diff of two versions' title and text (difflib), for the history page."""
    found = {v.number: v for v in article.versions.filter(number__in=[old, new])}
    if old not in found or new not in found:
        raise NotFound(_("No such version of this article."))

    def lines(v: ArticleVersion) -> list[str]:
        return [v.title, ""] + [line for line in _split(v.body_html) if line]

    out: list[tuple[str, str]] = []
    for row in difflib.unified_diff(lines(found[old]), lines(found[new]), n=2, lineterm=""):
        if row.startswith(("---", "+++")):
            continue
        if row.startswith("@@"):
            out.append(("gap", "…"))
        elif row.startswith("+"):
            out.append(("add", row[1:]))
        elif row.startswith("-"):
            out.append(("del", row[1:]))
        else:
            out.append(("same", row[1:]))
    return VersionDiff(old=found[old], new=found[new], lines=out)


def _split(body_html: str) -> list[str]:
    """Cleaned HTML → one line of plain text per block (paragraph, item, heading, row)."""
    marked = body_html
    for tag in (
        "</p>",
        "</li>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</tr>",
        "</blockquote>",
        "<br>",
    ):
        marked = marked.replace(tag, tag + "\n")
    return [plain_text(line) for line in marked.split("\n")]
