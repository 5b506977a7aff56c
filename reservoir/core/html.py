"""HTML cleaning for user- and channel-supplied rich text (nh3, the Ammonia sanitizer)."""

from __future__ import annotations

import nh3

_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "img",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


def clean_html(raw: str) -> str:
    """Return `raw` with scripts, event handlers and unknown tags removed."""
    if not raw:
        return ""
    return nh3.clean(
        raw, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"}
    )


def html_to_text(raw: str) -> str:
    """Return the text content of `raw` (for previews and search)."""
    return nh3.clean(raw, tags=set()).strip() if raw else ""
