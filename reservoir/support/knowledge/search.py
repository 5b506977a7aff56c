"""Full-text search of the knowledge base: our own inverted index, ranked with BM25.

Why not the database's full-text search: SQLite FTS5 and PostgreSQL tsvector tokenise and rank
differently, neither segments Chinese, and neither folds 繁體 into 简体. One small table of
(term, article, weighted tf) filled by `analysis.tokens()` behaves identically on both
engines, and the scoring below (Okapi BM25, k1=1.2, b=0.75; title terms count three times) is
a few lines of Python over the rows of the query's terms only. A knowledge base holds
thousands of articles, not millions, so this stays fast (see benchmarks/knowledge.py).

Queries are OR-ed (a customer types "printer wifi broken"; the best article may lack "broken")
and results that match more of the query's terms rank higher.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable

from django.db.models import (
    Avg,
    Case,
    Count,
    FloatField,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reservoir.support.knowledge.analysis import (
    last_word_prefix,
    query_terms,
    spans,
    to_simplified,
    tokens,
)
from reservoir.support.knowledge.models import Article, SearchTerm

TITLE_WEIGHT = 3
K1 = 1.2
B = 0.75
PREFIX_EXPANSION = 20
_BLOCK_END = re.compile(
    r"<(?:br|hr|/p|/li|/h[1-6]|/div|/td|/th|/tr|/blockquote|/pre)\b[^>]*>", re.I
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(body_html: str) -> str:
    """The readable text of cleaned article HTML, blocks separated by spaces."""
    text = _TAG.sub("", _BLOCK_END.sub(" ", body_html or ""))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def index_article(article: Article, *, title: str, text: str) -> None:
    """Replace `article`'s index rows with the terms of `title` and `text`.

    Side effects: deletes and inserts SearchTerm rows; saves `article.search_length`.
    Call inside the transaction that saved the version.
    """
    counts: Counter[str] = Counter()
    for term in tokens(title):
        counts[term] += TITLE_WEIGHT
    counts.update(tokens(text))
    SearchTerm.objects.filter(article=article).delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term, article=article, tf=tf) for term, tf in counts.items()],
        batch_size=500,
    )
    article.search_length = sum(counts.values())
    article.save(update_fields=["search_length"])


def _expand_prefix(prefix: str) -> list[str]:
    return list(
        SearchTerm.objects.filter(term__startswith=prefix)
        .values_list("term", flat=True)
        .distinct()
        .order_by("term")[:PREFIX_EXPANSION]
    )


def rank(
    candidates: QuerySet[Article], query: str, *, limit: int, prefix: bool = False
) -> list[tuple[int, float]]:
    """(article id, score) of the best `limit` articles of `candidates` for `query`.

    `prefix`: treat the last Latin word as unfinished and expand it to the index terms it
    begins ("rou" → router, routing), for suggestions while the customer types.
    The document frequencies and collection statistics are read first (two small queries),
    then the database sums BM25 per article with plain arithmetic (a CASE per term for its
    idf and query-word group) and returns only the top `limit`: the postings never travel.
    """
    terms = query_terms(query)
    groups: list[set[str]] = [{t} for t in terms]
    word = last_word_prefix(query) if prefix else None
    if word:
        expanded = set(_expand_prefix(word)) | {word}
        groups = [g for g in groups if not g & expanded] + [expanded]
    wanted = set().union(*groups) if groups else set()
    if not wanted:
        return []
    ids = candidates.values("pk")
    postings = SearchTerm.objects.filter(term__in=wanted, article__in=ids)
    df = dict(postings.values_list("term").annotate(n=Count("pk")).order_by())
    if not df:
        return []
    stats = candidates.aggregate(n=Count("pk"), avg=Avg("search_length"))
    total, avgdl = int(stats["n"] or 0), float(stats["avg"] or 1.0) or 1.0
    group_of = {term: i for i, group in enumerate(groups) for term in group}
    idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}
    tf = Cast("tf", FloatField())
    norm = (
        tf
        + Value(K1 * (1 - B))
        + Value(K1 * B / avgdl) * Cast("article__search_length", FloatField())
    )
    weight = Case(*(When(term=t, then=Value(v)) for t, v in idf.items()), output_field=FloatField())
    group = Case(*(When(term=t, then=Value(group_of[t])) for t in df), output_field=IntegerField())
    rows = (
        postings.filter(term__in=list(df))
        .values("article_id")
        .annotate(score=Sum(weight * tf * Value(K1 + 1) / norm), cover=Count(group, distinct=True))
        .order_by("-cover", "-score", "article_id")[:limit]
    )
    return [(r["article_id"], round(r["score"] * (1 + r["cover"] / len(groups)), 4)) for r in rows]


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, needles: set[str], width: int) -> tuple[int, int]:
    """The part of `text` around the first place any needle's letters appear.

    Segmenting a whole article is the slow part of a search; stems and Chinese words are
    substrings of the text they came from (almost always), so only this window is tokenised.
    """
    lowered = text.lower()
    found = [p for n in needles if (p := lowered.find(n)) >= 0]
    anchor = min(found) if found else 0
    lo, hi = max(0, anchor - width // 2), min(len(text), anchor + width)
    while 0 < lo < len(text) and text[lo - 1].isascii() and text[lo - 1].isalnum():
        lo += 1  # do not start inside a Latin word
    while 0 < hi < len(text) and text[hi].isascii() and text[hi].isalnum():
        hi += 1
    return lo, hi


def highlight(text: str, query: str, *, width: int = 160) -> SafeString:
    """An escaped excerpt of `text` around the first query match, matches in <mark>."""
    simple = to_simplified(text)
    if len(simple) != len(text):
        text = simple  # offsets of spans() point into the converted text then
    wanted = set(query_terms(query))
    word = last_word_prefix(query)
    lo, hi = _window(simple, wanted | ({word} if word else set()), width)
    hits = _merge(
        (lo + start, lo + end)
        for term, start, end in spans(text[lo:hi])
        if term in wanted or (word and term.startswith(word))
    )
    if not hits:
        cut = text[:width]
        return mark_safe(escape(cut) + ("…" if len(text) > width else ""))  # noqa: S308
    begin = max(0, hits[0][0] - width // 4)
    end = min(len(text), begin + width)
    out: list[str] = []
    pos = begin
    for start, stop in hits:
        if start < begin or stop > end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        pos = stop
    out.append(escape(text[pos:end]))
    lead = "…" if begin > 0 else ""
    tail = "…" if end < len(text) else ""
    return mark_safe(lead + "".join(out) + tail)  # noqa: S308 - every piece is escaped
