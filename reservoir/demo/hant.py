"""Simplified → traditional Chinese for the demo's Hong Kong and Taiwan customers (OpenCC)."""

from __future__ import annotations

from functools import lru_cache

import opencc

_TO_HK = opencc.OpenCC("s2hk")
_TO_TW = opencc.OpenCC("s2tw")


@lru_cache(maxsize=4096)
def to_hant(text: str, *, region: str = "tw") -> str:
    """Return `text` in traditional characters, as written in Taiwan (or "hk": Hong Kong)."""
    return (_TO_HK if region == "hk" else _TO_TW).convert(text)
