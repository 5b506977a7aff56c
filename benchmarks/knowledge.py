"""Knowledge-base benchmark: indexing rate and search / suggestion latency, in process.

    python benchmarks/knowledge.py [--quick]

Migrates a fresh SQLite database in a temporary data folder and writes articles through the
service (version, nh3 cleaning, jieba / Snowball tokenising, index rows, audit entry), half
Chinese (a third of those in Traditional characters) and half English, built by shuffling the
demo articles' paragraphs and adding model numbers, then prints:

    kb_index_articles_per_s   articles created and indexed per second
    kb_search_p50_ms          median latency of a public search (Chinese and English queries,
                              ranked BM25 with highlighted snippets, top 10)
    kb_search_p95_ms          95th percentile of the same
    kb_suggest_p50_ms         median latency of a suggestion for a half-typed subject (top 5)
    kb_index_rows_per_article inverted-index rows per article

Never fails on time.
"""

from __future__ import annotations

import functools
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

SIZES = {"full": {"articles": 5_000, "queries": 300}, "quick": {"articles": 400, "queries": 60}}
QUERIES = [
    "打印机 网络",
    "无线 打印机 连接",
    "印表機 網路",
    "重置 路由器 密码",
    "退货 退款",
    "电子发票 下载",
    "保修期 查询",
    "reset routers",
    "printer wifi not connecting",
    "return an item refund",
    "download invoices",
    "forgot password locked",
    "warranty serial number",
]
PARTIAL = ["打印机连不上无线", "how do I reset the rou", "退货流程", "invoice downl", "passw"]

figure = functools.partial(_runner.figure, digits=1)


def main() -> None:
    args = _runner.make_parser(__doc__ or "").parse_args()
    size = SIZES["quick" if args.quick else "full"]
    with _runner.fresh_sqlite("reservoir-bench-knowledge-"):
        run(size)


def _corpus() -> tuple[list[str], list[str]]:
    from reservoir.support.knowledge.demo import ARTICLES

    paragraphs = re.compile(r"<(?:p|li)>(.*?)</(?:p|li)>")
    zh, en = [], []
    for _key, _cat, _vis, (_zt, zb), (_et, eb), _hant in ARTICLES:
        zh += paragraphs.findall(zb)
        en += paragraphs.findall(eb)
    return zh, en


def run(size: dict[str, int]) -> None:
    """Measure on the database Django is set up on (writes articles)."""
    import opencc

    from reservoir.support.knowledge import selectors, services
    from reservoir.support.knowledge.models import Language, SearchTerm

    rng = random.Random(7)
    zh, en = _corpus()
    to_tw = opencc.OpenCC("s2twp")
    n = size["articles"]
    start = time.perf_counter()
    for i in range(n):
        model = f"RX-{rng.randint(100, 999)}"
        if i % 2:
            body = "".join(f"<p>{p}</p>" for p in rng.sample(en, 4))
            title = f"{rng.choice(en)[:60]} ({model})"
            language = Language.EN
        else:
            body = "".join(f"<p>{p}</p>" for p in rng.sample(zh, 4))
            title = f"{rng.choice(zh)[:30]}（{model}）"
            language = Language.ZH_HANS
            if i % 3 == 0:
                body, title, language = to_tw.convert(body), to_tw.convert(title), Language.ZH_HANT
        services.create_article(
            by=None, title=title, body_html=body, language=language, publish=True
        )
    elapsed = time.perf_counter() - start
    figure("kb_index_articles_per_s", n / elapsed, "articles/s")

    def timed(fn, texts: list[str], count: int) -> list[float]:
        out = []
        for k in range(count):
            t0 = time.perf_counter()
            fn(texts[k % len(texts)])
            out.append((time.perf_counter() - t0) * 1000)
        return out

    search = functools.partial(selectors.search, audience="public", limit=10)
    suggest = functools.partial(selectors.suggest, audience="public")
    timed(search, QUERIES, len(QUERIES))  # warm caches
    searches = timed(search, QUERIES, size["queries"])
    suggestions = timed(suggest, PARTIAL, size["queries"])
    figure("kb_search_p50_ms", statistics.median(searches), "ms")
    figure("kb_search_p95_ms", statistics.quantiles(searches, n=20)[18], "ms")
    figure("kb_suggest_p50_ms", statistics.median(suggestions), "ms")
    figure("kb_index_rows_per_article", SearchTerm.objects.count() / n, "rows")


if __name__ == "__main__":
    main()
