import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.support.knowledge.models import Article, ArticleStatus, Category, Visibility
from reservoir.support.knowledge.tests.factories import CategoryFactory, make_article

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_article_list_takes_the_same_queries_for_1_and_3_articles(client, agent):
    client.force_login(agent)
    category = CategoryFactory()
    make_article("One", category=category, by=agent)
    one = _queries(client, "/kb/")
    make_article("Two", category=category, by=agent)
    make_article("Three", by=agent)

    three = _queries(client, "/kb/")

    assert one == three


def test_article_list_search_takes_the_same_queries_for_1_and_3_hits(client, agent):
    client.force_login(agent)
    make_article("Router one", by=agent)
    one = _queries(client, "/kb/?q=router")
    make_article("Router two", by=agent)
    make_article("Router three", by=agent)

    three = _queries(client, "/kb/?q=router")

    assert one == three


def test_article_list_filters_and_searches(client, agent):
    client.force_login(agent)
    internal = make_article("Router vault", visibility=Visibility.INTERNAL, by=agent)
    make_article("Router public", by=agent)
    make_article("Returns", by=agent)

    response = client.get("/kb/?q=routers&visibility=internal")

    assert [a.pk for a in response.context["page"].object_list] == [internal.pk]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/kb/")

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_agent_creates_article_with_cleaned_body_and_publishes(client, agent):
    client.force_login(agent)
    category = CategoryFactory()

    response = client.post(
        "/kb/new/",
        {
            "title": "Reset the router",
            "category": category.pk,
            "language": "en",
            "visibility": "public",
            "body_html": "<p>Hold <b>reset</b>.</p><script>x()</script>",
            "publish": "1",
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kb/{article.pk}/"
    assert article.status == ArticleStatus.PUBLISHED
    assert article.current_version.body_html == "<p>Hold <b>reset</b>.</p>"


def test_editor_page_shows_form_and_bad_input_is_422(client, agent):
    client.force_login(agent)
    article = make_article("Warranty", "<p>12 months</p>", by=agent)

    page = client.get(f"/kb/{article.pk}/edit/")
    bad = client.post(
        f"/kb/{article.pk}/edit/",
        {"title": "", "language": "en", "visibility": "public", "body_html": "<p>x</p>"},
    )

    assert page.status_code == 200
    assert b"12 months" in page.content
    assert bad.status_code == 422
    assert article.versions.count() == 1


def test_sales_rep_may_read_but_not_edit(client, rep, agent):
    client.force_login(rep)
    article = make_article("Warranty", by=agent)

    detail = client.get(f"/kb/{article.pk}/")
    edit = client.get(f"/kb/{article.pk}/edit/")
    publish = client.post(f"/kb/{article.pk}/status/", {"action": "archive"})

    article.refresh_from_db()
    assert (detail.status_code, edit.status_code, publish.status_code) == (200, 403, 403)
    assert article.status == ArticleStatus.PUBLISHED


def test_history_shows_a_diff_and_restore_works(client, agent):
    client.force_login(agent)
    article = make_article("Returns", "<p>Within 7 days.</p>", by=agent)
    client.post(
        f"/kb/{article.pk}/edit/",
        {
            "title": "Returns",
            "language": "en",
            "visibility": "public",
            "body_html": "<p>Within 14 days.</p>",
        },
    )

    page = client.get(f"/kb/{article.pk}/history/?a=1&b=2")
    restored = client.post(f"/kb/{article.pk}/restore/1/")

    assert [(k, t) for k, t in page.context["diff"].lines if k in ("add", "del")] == [
        ("del", "Within 7 days."),
        ("add", "Within 14 days."),
    ]
    assert restored.status_code == 302
    article.refresh_from_db()
    assert (article.current_version.number, article.excerpt) == (3, "Within 7 days.")


def test_history_with_unknown_versions_is_404(client, agent):
    client.force_login(agent)
    article = make_article("Returns", by=agent)
    make_article("Other", by=agent)

    response = client.get(f"/kb/{article.pk}/history/?a=1&b=7")

    assert response.status_code == 404


def test_suggest_gives_anonymous_visitors_public_articles_only(client, agent):
    public = make_article("Printer offline", "<p>打印机无法连接无线网络</p>", by=agent)
    make_article("Printer vault", "<p>printer admin</p>", visibility=Visibility.INTERNAL, by=agent)

    response = client.get("/kb/suggest/", {"subject": "printer", "description": "无线网"})

    assert response.status_code == 200
    assert [h.article.pk for h, _link in response.context["hits"]] == [public.pk]
    assert f'href="/portal/help/{public.slug}/"'.encode() in response.content
    assert b"Printer offline" in response.content
    assert b"Printer vault" not in response.content


def test_suggest_gives_staff_internal_articles_too(client, agent):
    client.force_login(agent)
    make_article("Printer offline", by=agent)
    make_article("Printer vault", visibility=Visibility.INTERNAL, by=agent)

    response = client.get("/kb/suggest/?q=print")

    assert len(response.context["hits"]) == 2


def test_suggest_with_empty_or_bad_input_answers_empty(client):
    empty = client.get("/kb/suggest/?q=")
    bad = client.get("/kb/suggest/?q=router&language=xx")

    assert (empty.status_code, bad.status_code) == (200, 200)
    assert (empty.context["hits"], bad.context["hits"]) == ([], [])


def test_helpful_vote_counts_once_per_session_and_only_public_articles(client, agent):
    public = make_article("Public", by=agent)
    internal = make_article("Internal", visibility=Visibility.INTERNAL, by=agent)

    ok = client.post(f"/kb/{public.pk}/helpful/", {"helpful": "yes"})
    client.post(f"/kb/{public.pk}/helpful/", {"helpful": "no"})
    hidden = client.post(f"/kb/{internal.pk}/helpful/", {"helpful": "yes"})

    public.refresh_from_db()
    internal.refresh_from_db()
    assert (ok.status_code, hidden.status_code) == (200, 404)
    assert (public.helpful_yes, public.helpful_no, internal.helpful_yes) == (1, 0, 0)


def test_categories_page_adds_and_deletes(client, agent):
    client.force_login(agent)

    added = client.post("/kb/categories/", {"name": "Printers", "order": 5})
    category = Category.objects.get()
    page = client.get("/kb/categories/")
    deleted = client.post(f"/kb/categories/{category.pk}/delete/")

    assert (added.status_code, page.status_code, deleted.status_code) == (302, 200, 302)
    assert [c.name for c in page.context["categories"]] == ["Printers"]
    assert Category.objects.count() == 0


def test_report_page_renders(client, agent):
    client.force_login(agent)
    make_article("Delivery", by=agent)

    response = client.get("/kb/report/?days=7")

    assert response.status_code == 200
    assert response.context["days"] == 7


def test_category_list_takes_the_same_queries_for_1_and_3_categories(client, agent):
    client.force_login(agent)
    parent = CategoryFactory()
    one = _queries(client, "/kb/categories/")
    CategoryFactory(parent=parent)
    CategoryFactory(parent=parent)

    three = _queries(client, "/kb/categories/")

    assert one == three


def test_category_is_renamed_and_cannot_be_its_own_parent(client, agent):
    client.force_login(agent)
    category = CategoryFactory(name="Printers")

    renamed = client.post(f"/kb/categories/{category.pk}/", {"name": "Printing", "order": 1})
    looped = client.post(
        f"/kb/categories/{category.pk}/", {"name": "Printing", "order": 1, "parent": category.pk}
    )

    category.refresh_from_db()
    assert (renamed.status_code, looped.status_code) == (302, 422)
    assert (category.name, category.parent_id) == ("Printing", None)


def test_report_takes_the_same_queries_for_1_and_3_read_articles(client, agent):
    from reservoir.support.knowledge import services

    client.force_login(agent)
    first = make_article("One", by=agent)
    services.record_view(first, party_id=None, session_key="a")
    one = _queries(client, "/kb/report/")
    for title in ("Two", "Three"):
        services.record_view(make_article(title, by=agent), party_id=None, session_key="b")

    three = _queries(client, "/kb/report/")

    assert one == three
