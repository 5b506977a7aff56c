"""Usage and deflection of the knowledge base.

A portal visitor is *deflected* when they read at least one article and did not open a case
within 24 hours of their first read. A visitor is the customer (party) when the portal knew
who was signed in, otherwise the browser session; sessions that were signed in for any of
their views count as that customer. An anonymous visitor who never signs in cannot open a case
in the portal, so counts as deflected.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count

from reservoir.support.knowledge.models import Article, ArticleView, Language, ViewSource

WINDOW = dt.timedelta(hours=24)


def cases_opened(
    party_ids: Collection[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[dt.datetime]]:
    """When each of `party_ids` opened cases in [start, end): {party id: [opened at, ...]}.

    Reads the service app's Case table (reservoir.support, same layer); empty while that
    model is not installed.
    """
    if not party_ids:
        return {}
    try:
        case_model = apps.get_model("support", "Case")
    except LookupError:
        return {}
    opened: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = case_model.objects.filter(
        party_id__in=list(party_ids), opened_at__gte=start, opened_at__lt=end
    ).values_list("party_id", "opened_at")
    for party_id, at in rows:
        opened[party_id].append(at)
    return dict(opened)


@dataclass(frozen=True)
class ArticleUsage:
    article_id: int
    title: str
    language: str
    views: int
    helpful_yes: int
    helpful_no: int

    @property
    def helpful_percent(self) -> int | None:
        votes = self.helpful_yes + self.helpful_no
        return round(100 * self.helpful_yes / votes) if votes else None

    @property
    def language_display(self) -> str:
        return str(Language(self.language).label) if self.language in Language.values else ""


@dataclass(frozen=True)
class DeflectionReport:
    start: dt.datetime
    end: dt.datetime
    views: int
    portal_views: int
    visitors: int
    deflected: int
    helpful_yes: int
    helpful_no: int
    top: list[ArticleUsage] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Share of portal visitors who read and did not open a case (0..1), None if none."""
        return self.deflected / self.visitors if self.visitors else None

    @property
    def helpful_percent(self) -> int | None:
        votes = self.helpful_yes + self.helpful_no
        return round(100 * self.helpful_yes / votes) if votes else None


def deflection_report(start: dt.datetime, end: dt.datetime, *, top: int = 10) -> DeflectionReport:
    """Views, helpful votes and the deflection of portal visitors who read in [start, end).

    Helpful votes are all-time counters of the articles read in the period. Three or four queries.
    """
    views = ArticleView.objects.filter(at__gte=start, at__lt=end)
    portal = list(
        views.filter(source=ViewSource.PORTAL)
        .order_by("at")
        .values_list("party_id", "session_key", "at")
    )
    session_party = {s: p for p, s, _at in portal if p is not None and s}
    first_read: dict[str, tuple[int | None, dt.datetime]] = {}
    for party_id, session_key, at in portal:
        pid = party_id or session_party.get(session_key)
        key = f"p{pid}" if pid is not None else f"s{session_key}"
        first_read.setdefault(key, (pid, at))
    parties = {pid for pid, _at in first_read.values() if pid is not None}
    opened = cases_opened(parties, start, end + WINDOW)
    deflected = 0
    for pid, at in first_read.values():
        if pid is None or not any(at <= c < at + WINDOW for c in opened.get(pid, ())):
            deflected += 1
    per_article = list(
        views.values("article_id").annotate(n=Count("pk")).order_by("-n", "article_id")
    )
    articles = Article.objects.in_bulk([row["article_id"] for row in per_article])
    usage = [
        ArticleUsage(
            article_id=a.pk,
            title=a.title,
            language=a.language,
            views=row["n"],
            helpful_yes=a.helpful_yes,
            helpful_no=a.helpful_no,
        )
        for row in per_article
        if (a := articles.get(row["article_id"])) is not None
    ]
    return DeflectionReport(
        start=start,
        end=end,
        views=sum(row["n"] for row in per_article),
        portal_views=len(portal),
        visitors=len(first_read),
        deflected=deflected,
        helpful_yes=sum(a.helpful_yes for a in articles.values()),
        helpful_no=sum(a.helpful_no for a in articles.values()),
        top=usage[:top],
    )
