"""Template tags for merges shown on other apps' pages (the Customer 360 banner)."""

from __future__ import annotations

from typing import Any

from django import template

from reservoir.resolution.merging import selectors
from reservoir.resolution.merging.services import may_unmerge
from reservoir.resolution.models import Merge

register = template.Library()


@register.simple_tag
def live_merges_into(party: Any, user: Any) -> list[Merge]:
    """The merges not undone that `party` survived, each with `may_unmerge` for `user`.

    One query; `party` is already visible to `user` (the page that includes the banner
    checked it).
    """
    if getattr(party, "pk", None) is None:
        return []
    merges = selectors.live_merges_into(party.pk)
    for merge in merges:
        merge.may_unmerge = bool(  # type: ignore[attr-defined]
            getattr(user, "is_authenticated", False) and may_unmerge(user, merge)
        )
    return merges
