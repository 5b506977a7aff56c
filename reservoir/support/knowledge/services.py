"""Writing the knowledge base: articles (each save a new version), publishing, categories,
views and helpful votes. Every staff write is audited; article text is cleaned with nh3."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import InvalidInput, NotFound, PermissionDenied
from reservoir.core.html import clean_html
from reservoir.iam.enums import Role
from reservoir.sales.models import Product
from reservoir.support.knowledge.analysis import has_cjk
from reservoir.support.knowledge.events import ArticlePublished, ArticleViewed
from reservoir.support.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    ArticleView,
    Category,
    Language,
    ViewSource,
    Visibility,
)
from reservoir.support.knowledge.search import index_article, plain_text

EDITABLE = ("title", "body_html", "category", "language", "visibility", "product")
AUDITED = ("title", "category_id", "language", "visibility", "product_id", "status")


def is_staff(user: Any) -> bool:
    """Signed-in staff (every User is staff; customers are parties, not users)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def can_edit(user: Any) -> bool:
    """Service agents, managers and administrators write the knowledge base."""
    return is_staff(user) and bool(user.has_role(Role.SERVICE_AGENT))


def _require_editor(user: Any) -> None:
    """`None` is the system (demo data, imports); any person must be an editor."""
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("Only service agents, managers and administrators edit articles."))


def unique_slug(model: type[Article] | type[Category], text: str) -> str:
    """A slug for `text` (Chinese romanised with pinyin) not yet used by another row."""
    words = lazy_pinyin(text, errors="ignore") if has_cjk(text) else [text]
    base = (slugify(" ".join(words)) or "article")[:70].strip("-") or "article"
    tries = [base] + [f"{base}-{n}" for n in range(2, 10)]
    taken = set(model.objects.filter(slug__in=tries).values_list("slug", flat=True))
    free = [slug for slug in tries if slug not in taken]
    # Past nine namesakes a short random tail keeps this one query.
    return free[0] if free else f"{base}-{uuid.uuid4().hex[:8]}"


def _validate(article: Article, body_html: str) -> None:
    article.title = (article.title or "").strip()
    if not article.title or len(article.title) > 200:
        raise InvalidInput(_("A title is required (200 characters at most)."), field="title")
    if article.language not in Language.values:
        raise InvalidInput(_("Unknown language."), field="language")
    if article.visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if len(body_html) > 500_000:
        raise InvalidInput(_("The article is too long."), field="body_html")


def _new_version(article: Article, *, by: Any, body_html: str, change_note: str) -> ArticleVersion:
    last = article.versions.aggregate(n=Max("number"))["n"] or 0 if article.pk else 0
    version = ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body_html=body_html,
        author=by if is_staff(by) else None,
        change_note=change_note.strip()[:300],
    )
    text = plain_text(body_html)
    article.current_version = version
    article.excerpt = text[:280]
    article.updated_by = by if is_staff(by) else None
    article.save(update_fields=["current_version", "excerpt", "updated_by", "updated_at"])
    index_article(article, title=article.title, text=text)
    return version


@transaction.atomic
def create_article(
    *,
    by: Any,
    title: str,
    body_html: str,
    language: str,
    category: Category | None = None,
    visibility: str = Visibility.PUBLIC,
    product: Product | None = None,
    translation_of: Article | None = None,
    translation_key: str = "",
    change_note: str = "",
    publish: bool = False,
) -> Article:
    """Create a draft article with its first version (optionally published at once).

    `by` None is the system. Translations share `translation_of`'s key (or `translation_key`).

    Side effects: article, version 1 and its index rows; audit entry; ArticlePublished after
    commit when `publish`.
    """
    _require_editor(by)
    body = clean_html(body_html)
    article = Article(
        title=title,
        language=language,
        category=category,
        visibility=visibility,
        product=product,
        created_by=by,
        updated_by=by,
    )
    if translation_of is not None:
        article.translation_key = translation_of.translation_key
    elif translation_key:
        article.translation_key = translation_key[:32]
    _validate(article, body)
    article.slug = unique_slug(Article, article.title)
    article.save()
    _new_version(article, by=by, body_html=body, change_note=change_note or _("First version"))
    audit.record(by, "knowledge.article.created", article, data={"language": language})
    if publish:
        publish_article(article, by=by)
    return article


@transaction.atomic
def update_article(article: Article, *, by: Any, change_note: str = "", **fields: Any) -> Article:
    """Change an article; every save that changes the title or body is a new version.

    Side effects: a version and fresh index rows when the text changed; audit entry with the
    diff of the article's own fields.
    """
    _require_editor(by)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=article.pk)
    )
    before = audit.snapshot(article, AUDITED)
    current = article.current_version
    body = (
        clean_html(fields.pop("body_html"))
        if "body_html" in fields
        else (current.body_html if current else "")
    )
    for name, value in fields.items():
        setattr(article, name, value)
    _validate(article, body)
    article.updated_by = by
    article.save()
    if current is None or current.title != article.title or current.body_html != body:
        _new_version(article, by=by, body_html=body, change_note=change_note)
    audit.record(
        by,
        "knowledge.article.updated",
        article,
        audit.diff(before, audit.snapshot(article, AUDITED)),
    )
    return article


@transaction.atomic
def restore_version(article: Article, *, by: Any, number: int) -> Article:
    """Make an old version's text current again, as a new version (history is never lost)."""
    _require_editor(by)
    old = article.versions.filter(number=number).first()
    if old is None:
        raise NotFound(_("No version %(n)s of this article.") % {"n": number})
    return update_article(
        article,
        by=by,
        title=old.title,
        body_html=old.body_html,
        change_note=_("Restored version %(n)s") % {"n": number},
    )


def _set_status(article: Article, *, by: Any, status: str, action: str) -> Article:
    _require_editor(by)
    if article.status == status:
        return article
    if status == ArticleStatus.PUBLISHED and not article.excerpt:
        raise InvalidInput(_("Write the article before publishing it."), field="body_html")
    article.status = status
    update = ["status", "updated_at", "updated_by"]
    article.updated_by = by
    if status == ArticleStatus.PUBLISHED:
        article.published_at = timezone.now()
        update.append("published_at")
    article.save(update_fields=update)
    audit.record(by, action, article)
    return article


@transaction.atomic
def publish_article(article: Article, *, by: Any) -> Article:
    """Publish (idempotent). Side effects: audit entry; ArticlePublished after commit."""
    was = article.status
    _set_status(
        article, by=by, status=ArticleStatus.PUBLISHED, action="knowledge.article.published"
    )
    if was != ArticleStatus.PUBLISHED:
        events.publish(
            ArticlePublished(
                article_id=article.pk, language=article.language, visibility=article.visibility
            )
        )
    return article


@transaction.atomic
def archive_article(article: Article, *, by: Any) -> Article:
    """Take an article out of search and the portal (idempotent). Side effects: audit entry."""
    return _set_status(
        article, by=by, status=ArticleStatus.ARCHIVED, action="knowledge.article.archived"
    )


@transaction.atomic
def unpublish_article(article: Article, *, by: Any) -> Article:
    """Back to draft (idempotent). Side effects: audit entry."""
    return _set_status(
        article, by=by, status=ArticleStatus.DRAFT, action="knowledge.article.unpublished"
    )


def record_view(
    article: Article,
    *,
    party_id: int | None,
    session_key: str,
    source: str = ViewSource.PORTAL,
) -> ArticleView:
    """Count one reading of `article` (portal, chat bot or staff) for usage and deflection.

    Side effects: an ArticleView row; view_count + 1; ArticleViewed after commit.
    """
    if source not in ViewSource.values:
        raise InvalidInput(_("Unknown view source."), field="source")
    with transaction.atomic():
        view = ArticleView.objects.create(
            article=article,
            party_id=party_id,
            session_key=(session_key or "")[:64],
            source=source,
            at=timezone.now(),
        )
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        events.publish(ArticleViewed(article_id=article.pk, party_id=party_id, source=source))
    return view


def mark_helpful(article: Article, *, helpful: bool) -> None:
    """Count one "was this helpful?" answer. Side effects: one counter + 1."""
    field = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})


@transaction.atomic
def save_category(
    *,
    by: Any,
    name: str,
    parent: Category | None = None,
    order: int = 0,
    description: str = "",
    category: Category | None = None,
) -> Category:
    """Create (or, given `category`, change) a category. Side effects: audit entry."""
    _require_editor(by)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("A name is required (120 characters at most)."), field="name")
    target = category or Category()
    if parent is not None and target.pk is not None:
        node: Category | None = parent
        while node is not None:
            if node.pk == target.pk:
                raise InvalidInput(_("A category cannot sit inside itself."), field="parent")
            node = node.parent
    target.name, target.parent, target.order = name, parent, max(0, int(order))
    target.description = (description or "").strip()[:300]
    if not target.slug:
        target.slug = unique_slug(Category, name)
    created = target.pk is None
    target.save()
    action = "knowledge.category.created" if created else "knowledge.category.updated"
    audit.record(by, action, target)
    return target


@transaction.atomic
def delete_category(category: Category, *, by: Any) -> None:
    """Delete a category; its articles and sub-categories lose it. Side effects: audit entry."""
    _require_editor(by)
    audit.record(by, "knowledge.category.deleted", category)
    category.delete()
