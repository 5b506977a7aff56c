"""Facts about knowledge-base articles, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticlePublished:
    article_id: int
    language: str
    visibility: str


@dataclass(frozen=True)
class ArticleViewed:
    article_id: int
    party_id: int | None
    source: str
