"""Acceptance: Chinese queries whose words are not adjacent in the text, English inflections,
繁體/简体 cross-search, and what the public may not see."""

import pytest

from reservoir.support.knowledge import selectors
from reservoir.support.knowledge.analysis import query_terms, tokens
from reservoir.support.knowledge.models import Language, SearchTerm, Visibility
from reservoir.support.knowledge.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    printer = make_article(
        "打印机故障排除",
        "<p>如果您的打印机无法连接无线网络，请先重启路由器。</p>",
        language=Language.ZH_HANS,
    )
    invoice = make_article(
        "如何申请电子发票", "<p>在门户的订单页面申请发票。</p>", language=Language.ZH_HANS
    )
    router = make_article("Resetting the router", "<p>Hold the reset button for 8 seconds.</p>")
    returns = make_article("Returning an item", "<p>Items may be returned within 7 days.</p>")
    return {"printer": printer, "invoice": invoice, "router": router, "returns": returns}


def _ids(hits):
    return [h.article.pk for h in hits]


@pytest.mark.parametrize("query", ["打印机 网络", "无线 打印机 连接", "打印机网络"])
def test_chinese_query_finds_article_when_words_are_not_adjacent(kb, query):
    hits = selectors.search(query, audience="public")

    assert _ids(hits) == [kb["printer"].pk]


@pytest.mark.parametrize("query", ["reset routers", "RESETS", "router resetting"])
def test_english_query_finds_article_when_inflection_differs(kb, query):
    hits = selectors.search(query, audience="public")

    assert _ids(hits)[0] == kb["router"].pk
    assert kb["returns"].pk not in _ids(hits)


def test_traditional_query_finds_simplified_article(kb):
    hits = selectors.search("印表機 網路", audience="public")

    assert _ids(hits) == [kb["printer"].pk]


def test_simplified_query_finds_traditional_article():
    hant = make_article(
        "重設密碼", "<p>在登入頁點選「忘記密碼」取得驗證碼。</p>", language=Language.ZH_HANT
    )

    hits = selectors.search("忘记密码 验证码", audience="public")

    assert _ids(hits) == [hant.pk]


def test_search_highlights_the_matched_words(kb):
    hit = selectors.search("reset routers", audience="public")[0]

    assert str(hit.snippet) == "Hold the <mark>reset</mark> button for 8 seconds."


def test_chinese_snippet_marks_words_in_the_original_text(kb):
    hit = selectors.search("印表機 網路", audience="public")[0]

    assert "<mark>打印机</mark>" in str(hit.snippet)
    assert "无线<mark>网络</mark>" in str(hit.snippet)


def test_public_search_hides_internal_and_unpublished_articles(kb):
    internal = make_article(
        "Router admin password (internal)",
        "<p>The router admin password is in the vault.</p>",
        visibility=Visibility.INTERNAL,
    )
    draft = make_article("Router draft", "<p>router notes</p>", publish=False)

    public = _ids(selectors.public_search("router"))
    staff = _ids(selectors.search("router", audience="staff"))

    assert set(public) == {kb["router"].pk}
    assert set(staff) == {kb["router"].pk, internal.pk}
    assert draft.pk not in staff


def test_language_filter_narrows_results(kb):
    english = selectors.search("打印机 router", audience="public", language="en")
    chinese = selectors.search("打印机 router", audience="public", language="zh")

    assert _ids(english) == [kb["router"].pk]
    assert _ids(chinese) == [kb["printer"].pk]


def test_title_match_ranks_above_body_match():
    in_body = make_article("Network basics", "<p>Sometimes the printer is offline.</p>")
    in_title = make_article("Printer offline", "<p>Check the cable.</p>")

    hits = selectors.search("printer", audience="public")

    assert _ids(hits) == [in_title.pk, in_body.pk]


def test_suggest_expands_the_unfinished_last_word(kb):
    hits = selectors.suggest("how to res", audience="public")

    assert _ids(hits) == [kb["router"].pk]


def test_query_without_index_terms_finds_nothing(kb):
    assert selectors.search("the of and !!", audience="public") == []


def test_index_is_replaced_when_the_article_changes(kb, agent):
    from reservoir.support.knowledge import services

    services.update_article(kb["router"], by=agent, body_html="<p>Unplug the modem.</p>")

    terms = set(SearchTerm.objects.filter(article=kb["router"]).values_list("term", flat=True))
    assert terms == {"reset", "router", "unplug", "modem"}
    assert _ids(selectors.search("button", audience="public")) == []


def test_tokens_segment_chinese_and_stem_english():
    assert tokens("Resetting the Routers") == ["reset", "router"]
    assert set(query_terms("打印机 网络")) == {"打印", "印机", "打印机", "网络"}
