"""Knowledge-base pages at /kb/: staff list, editor, history, categories, usage report, and
the suggestion partial that the case forms (staff and portal) ask while someone types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.core.html import clean_html
from reservoir.support.knowledge import deflection, selectors, services
from reservoir.support.knowledge.forms import ArticleFilterForm, ArticleForm, CategoryForm
from reservoir.support.knowledge.models import Article, Category

PAGE_SIZE = 25
# Where the portal shows a public article (the portal app serves it; see the notes).
PORTAL_ARTICLE_PATH = "/portal/help/{slug}/"
VOTED_KEY = "knowledge.voted"


def _article(request: HttpRequest, article_id: int) -> Article:
    try:
        return selectors.get_staff_article(actor=request.user, article_id=article_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _require_editor(request: HttpRequest) -> None:
    if not services.can_edit(request.user):
        raise PermissionDenied(_("Only service agents, managers and administrators edit articles."))


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilterForm(request.GET or None)
    category = filters.value("category")
    articles = selectors.list_articles(
        actor=request.user,
        query=filters.value("q") or "",
        category_id=category.pk if category else None,
        language=filters.value("language") or "",
        status=filters.value("status") or "",
        visibility=filters.value("visibility") or "",
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "searching": bool(filters.value("q")),
        "can_edit": services.can_edit(request.user),
    }
    return render(request, "knowledge/article_list.html", context)


def _form_initial(article: Article) -> dict[str, Any]:
    version = article.current_version
    return {
        "title": article.title,
        "category": article.category_id,
        "language": article.language,
        "visibility": article.visibility,
        "product": article.product_id,
        "body_html": version.body_html if version else "",
    }


@login_required
def article_edit(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    _require_editor(request)
    article = _article(request, article_id) if article_id else None
    if request.method == "POST":
        form = ArticleForm(request.POST, article=article)
    else:
        initial = (
            _form_initial(article)
            if article
            else {k: request.GET.get(k, "") for k in ("language", "category", "translation_of")}
        )
        form = ArticleForm(initial=initial, article=article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("title", "category", "language", "visibility", "product")}
        try:
            if article is None:
                article = services.create_article(
                    by=request.user,
                    body_html=data["body_html"],
                    translation_of=data["translation_of"],
                    change_note=data["change_note"],
                    publish="publish" in request.POST,
                    **fields,
                )
                messages.success(request, _("Article created."))
            else:
                article = services.update_article(
                    article,
                    by=request.user,
                    body_html=data["body_html"],
                    change_note=data["change_note"],
                    **fields,
                )
                if "publish" in request.POST:
                    services.publish_article(article, by=request.user)
                messages.success(request, _("Article saved."))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("knowledge:article_detail", article_id=article.pk)
    raw_body = (
        form.data.get("body_html", "") if form.is_bound else form.initial.get("body_html", "")
    )
    context = {
        "form": form,
        "article": article,
        "body": clean_html(raw_body or ""),
        "translations": selectors.translations(article) if article else [],
    }
    return render(
        request, "knowledge/article_form.html", context, status=422 if form.errors else 200
    )


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    context = {
        "article": article,
        "version": article.current_version,
        "translations": selectors.translations(article),
        "versions": list(selectors.list_versions(article)[:5]),
        "can_edit": services.can_edit(request.user),
    }
    return render(request, "knowledge/article_detail.html", context)


@login_required
@require_POST
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    actions = {
        "publish": (services.publish_article, _("Article published.")),
        "archive": (services.archive_article, _("Article archived.")),
        "unpublish": (services.unpublish_article, _("Article moved back to drafts.")),
    }
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponse(_("Unknown action."), status=400)
    try:
        action[0](article, by=request.user)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, action[1])
    return redirect("knowledge:article_detail", article_id=article.pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def article_history(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    versions = list(selectors.list_versions(article))
    current = versions[0].number if versions else 0
    new = _int(request.GET.get("b")) or current
    old = _int(request.GET.get("a")) or max(1, new - 1)
    diff = None
    if versions and old != new:
        try:
            diff = selectors.diff_versions(article, old=old, new=new)
        except NotFound as exc:
            raise Http404(exc.message) from exc
    context = {
        "article": article,
        "versions": versions,
        "diff": diff,
        "old": old,
        "new": new,
        "can_edit": services.can_edit(request.user),
    }
    return render(request, "knowledge/article_history.html", context)


@login_required
@require_POST
def article_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    _require_editor(request)
    article = _article(request, article_id)
    try:
        services.restore_version(article, by=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Version %(n)s restored as a new version.") % {"n": number})
    return redirect("knowledge:article_history", article_id=article.pk)


@login_required
def category_list(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    editing = Category.objects.filter(pk=category_id).first() if category_id else None
    if category_id and editing is None:
        raise Http404(_("No such category."))
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        initial=(
            {
                "name": editing.name,
                "parent": editing.parent_id,
                "order": editing.order,
                "description": editing.description,
            }
            if editing
            else {"order": 0}
        ),
        editing=editing,
    )
    if request.method == "POST":
        _require_editor(request)
        if form.is_valid():
            try:
                services.save_category(by=request.user, category=editing, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Category saved."))
                return redirect("knowledge:category_list")
    categories = list(selectors.list_categories_with_counts())
    context = {
        "categories": categories,
        "form": form,
        "editing": editing,
        "can_edit": services.can_edit(request.user),
    }
    return render(
        request, "knowledge/category_list.html", context, status=422 if form.errors else 200
    )


@login_required
@require_POST
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    _require_editor(request)
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise Http404(_("No such category."))
    services.delete_category(category, by=request.user)
    messages.success(request, _("Category deleted."))
    return redirect("knowledge:category_list")


def _period(request: HttpRequest) -> tuple[dt.datetime, dt.datetime, int]:
    days = _int(request.GET.get("days")) or 30
    days = days if days in (7, 30, 90, 365) else 30
    end = timezone.now()
    return end - dt.timedelta(days=days), end, days


@login_required
def report(request: HttpRequest) -> HttpResponse:
    start, end, days = _period(request)
    context = {
        "report": deflection.deflection_report(start, end),
        "days": days,
        "periods": (7, 30, 90, 365),
    }
    return render(request, "knowledge/report.html", context)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Up to five articles for what is being typed (`q`, or `subject` + `description`).

    Open to the portal: anonymous visitors get public articles, staff get internal ones too.
    """
    parts = [request.GET.get(k, "") for k in ("q", "subject", "description", "body")]
    text = " ".join(p for p in parts if p).strip()[: selectors.MAX_QUERY]
    audience = selectors.audience_for(request.user)
    language = request.GET.get("language") or None
    try:
        hits = selectors.suggest(text, audience=audience, language=language) if text else []
    except DomainError:
        hits = []
    staff = audience == "staff"
    links = [
        reverse("knowledge:article_detail", args=[h.article.pk])
        if staff
        else PORTAL_ARTICLE_PATH.format(slug=h.article.slug)
        for h in hits
    ]
    context = {"hits": list(zip(hits, links, strict=True)), "q": text, "staff": staff}
    return render(request, "knowledge/includes/suggestions.html", context)


@require_POST
def helpful(request: HttpRequest, article_id: int) -> HttpResponse:
    """A "was this helpful?" answer from a reader (portal or staff)."""
    audience = selectors.audience_for(request.user)
    article = selectors.readable(audience).filter(pk=article_id).first()
    if article is None:
        raise Http404(_("No such article."))
    voted = list(request.session.get(VOTED_KEY, []))
    if article.pk not in voted:  # one answer per article per browser session
        services.mark_helpful(article, helpful=request.POST.get("helpful") == "yes")
        request.session[VOTED_KEY] = [*voted, article.pk][-200:]
    if getattr(request, "htmx", False) or audience == "public":
        return render(request, "knowledge/includes/thanks.html", {})
    messages.success(request, _("Thank you for your feedback."))
    return redirect("knowledge:article_detail", article_id=article.pk)
