"""Turning article text and queries into index terms, for Chinese and English alike.

- Chinese has no spaces between words, so it is segmented with jieba (`cut_for_search`, which
  also emits the shorter words inside long ones: 无线网络 → 无线, 网络, 无线网络). jieba ships
  its dictionary; it is loaded once, lazily, with its chatter silenced. Nothing is downloaded.
- Traditional text is first folded to Simplified with OpenCC's phrase-aware `tw2sp` config
  (印表機 → 打印机, 網路 → 网络), so a 繁體 query finds a 简体 article and the other way round.
- Latin words are lower-cased, stop words dropped and the rest stemmed with the Snowball
  English stemmer, so "resetting routers" and "reset the router" share `reset`, `router`.

`tokens()` gives the terms; `spans()` gives the same terms with their offsets in the original
text, for highlighting.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import warnings
from collections.abc import Iterator

import opencc
import snowballstemmer

with warnings.catch_warnings():
    # jieba 0.42 has unescaped regex strings that warn when first compiled.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Runs of CJK ideographs, or of Latin letters / digits (with inner apostrophes).
_CHUNK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?")
MAX_TERM = 64

_EN_STOP = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours"""
EN_STOPWORDS = frozenset(_EN_STOP.split())
_ZH_STOP = (
    "的 了 是 在 和 与 及 或 也 都 就 而 吗 呢 吧 啊 我 你 他 她 它 我们 你们 请 把 被 让 "
    "一个 这 那 这个 那个 如何 怎么 怎样 什么 为什么 可以 能 会 要 有 没有 之 其"
)
ZH_STOPWORDS = frozenset(_ZH_STOP.split())

_lock = threading.Lock()
_ready = False


def _jieba() -> jieba.Tokenizer:
    """jieba's default tokenizer, initialised once (about half a second) and quietly."""
    global _ready  # noqa: PLW0603 - a process-wide, lazily built singleton
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.initialize()
                _ready = True
    return jieba.dt


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def to_simplified(text: str) -> str:
    """Traditional (Taiwan or Hong Kong usage) → Simplified Chinese; other text unchanged."""
    return _converter().convert(text) if has_cjk(text) else text


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def _latin_term(word: str) -> str | None:
    word = word.lower().replace("'", "")
    if word in EN_STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return None
    return stem(word)[:MAX_TERM]


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (term, start, end) for every index term in `text`, offsets into `text`.

    Chinese offsets are exact when the Simplified form has the original's length (OpenCC
    conversions almost always do); otherwise they point into the converted text.
    """
    simple = to_simplified(text)
    for match in _CHUNK.finditer(simple):
        chunk, base = match.group(), match.start()
        if _CJK.match(chunk):
            for word, start, end in _jieba().tokenize(chunk, mode="search"):
                if word not in ZH_STOPWORDS:
                    yield word[:MAX_TERM], base + start, base + end
        else:
            term = _latin_term(chunk)
            if term:
                yield term, base, match.end()


def tokens(text: str) -> list[str]:
    """The index terms of `text`, in order, repeats kept (for term frequencies)."""
    return [term for term, _start, _end in spans(text)]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in order of first appearance."""
    return list(_query_terms(text))


@functools.lru_cache(maxsize=2048)
def _query_terms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokens(text)))


def last_word_prefix(text: str) -> str | None:
    """The Latin word being typed at the end of `text` (lower-cased), if any: "reset rou" → "rou".

    Suggestions expand it to the index terms it begins, since a half-typed word has no stem.
    """
    match = re.search(r"([A-Za-z]{2,})$", text)
    return match.group(1).lower() if match else None
