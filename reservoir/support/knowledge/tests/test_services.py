import pytest
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput, NotFound, PermissionDenied
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support.knowledge import services
from reservoir.support.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleView,
    Language,
)
from reservoir.support.knowledge.tests.factories import CategoryFactory, make_article

pytestmark = pytest.mark.django_db


def test_each_edit_of_the_text_makes_a_new_version(agent):
    article = make_article("Reset the router", "<p>Hold the button.</p>", by=agent)

    article = services.update_article(
        article, by=agent, body_html="<p>Hold the button 8 s.</p>", change_note="Timing"
    )
    article = services.update_article(article, by=agent, title="Resetting the router")

    versions = list(
        article.versions.order_by("number").values_list("number", "title", "change_note")
    )
    assert versions == [
        (1, "Reset the router", "First version"),
        (2, "Reset the router", "Timing"),
        (3, "Resetting the router", ""),
    ]
    assert article.current_version.number == 3
    assert article.current_version.body_html == "<p>Hold the button 8 s.</p>"


def test_saving_unchanged_text_adds_no_version(agent):
    article = make_article("Warranty", "<p>12 months.</p>", by=agent)

    services.update_article(article, by=agent, body_html="<p>12 months.</p>")

    assert article.versions.count() == 1


def test_body_html_is_cleaned_of_scripts_and_handlers(agent):
    article = make_article(
        "Unsafe",
        '<p onclick="steal()">Hi<script>alert(1)</script></p><a href="javascript:x()">x</a>',
        by=agent,
    )

    body = article.current_version.body_html
    assert body == '<p>Hi</p><a rel="noopener noreferrer">x</a>'


def test_restore_copies_an_old_version_as_a_new_one(agent):
    article = make_article("Returns", "<p>7 days.</p>", by=agent)
    article = services.update_article(article, by=agent, body_html="<p>14 days.</p>")

    article = services.restore_version(article, by=agent, number=1)

    assert article.current_version.number == 3
    assert article.current_version.body_html == "<p>7 days.</p>"
    assert article.current_version.change_note == "Restored version 1"


def test_restore_of_a_missing_version_is_not_found(agent):
    article = make_article("Returns", "<p>7 days.</p>", by=agent)

    with pytest.raises(NotFound):
        services.restore_version(article, by=agent, number=9)

    assert article.versions.count() == 1


def test_sales_rep_may_not_write_articles(rep):
    with pytest.raises(PermissionDenied):
        make_article("Mine", by=rep)

    assert Article.objects.count() == 0


def test_manager_and_admin_may_write_articles(manager_b, admin_user):
    make_article("By manager", by=manager_b)
    make_article("By admin", by=admin_user)

    assert Article.objects.count() == 2


def test_title_is_required(agent):
    with pytest.raises(InvalidInput) as err:
        make_article("  ", by=agent)

    assert err.value.field == "title"
    assert Article.objects.count() == 0


def test_publish_and_archive_are_audited(agent):
    article = make_article("Delivery", "<p>2 days.</p>", by=agent, publish=False)

    services.publish_article(article, by=agent)
    services.publish_article(article, by=agent)
    services.archive_article(article, by=agent)

    actions = list(
        AuditEntry.objects.filter(object_pk=str(article.pk), app_label="knowledge")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "knowledge.article.created",
        "knowledge.article.published",
        "knowledge.article.archived",
    ]
    assert article.status == ArticleStatus.ARCHIVED


def test_an_empty_article_cannot_be_published(agent):
    article = make_article("Empty", "", by=agent, publish=False)

    with pytest.raises(InvalidInput):
        services.publish_article(article, by=agent)

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_chinese_title_gets_a_pinyin_slug_and_unique_suffix(agent):
    first = make_article("打印机设置", by=agent)
    second = make_article("打印机设置", by=agent)

    assert (first.slug, second.slug) == ("da-yin-ji-she-zhi", "da-yin-ji-she-zhi-2")


def test_translations_share_a_key(agent):
    english = make_article("Warranty", by=agent)

    chinese = make_article("保修政策", by=agent, language=Language.ZH_HANS, translation_of=english)

    assert chinese.translation_key == english.translation_key


def test_record_view_counts_and_keeps_who_read(agent):
    article = make_article("Delivery", by=agent)
    party = PartyFactory()

    services.record_view(article, party_id=party.pk, session_key="s1")
    services.record_view(article, party_id=None, session_key="s2")

    article.refresh_from_db()
    assert article.view_count == 2
    assert sorted(ArticleView.objects.values_list("session_key", "party_id")) == [
        ("s1", party.pk),
        ("s2", None),
    ]


def test_mark_helpful_counts_answers(agent):
    article = make_article("Delivery", by=agent)

    services.mark_helpful(article, helpful=True)
    services.mark_helpful(article, helpful=True)
    services.mark_helpful(article, helpful=False)

    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no, article.helpful_percent) == (2, 1, 67)


def test_category_cannot_be_its_own_ancestor(agent):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)

    with pytest.raises(InvalidInput):
        services.save_category(by=agent, category=parent, name=parent.name, parent=child)

    parent.refresh_from_db()
    assert parent.parent_id is None


def test_demo_loads_articles_in_three_languages_once():
    from reservoir.support.knowledge.demo import load_demo

    created = load_demo()
    again = load_demo()

    languages = {a.language for a in created}
    assert (len(created), again) == (22, [])
    assert languages == {"zh-hans", "zh-hant", "en"}
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == 22


def test_published_at_is_set_on_publish(agent):
    before = timezone.now()

    article = make_article("Delivery", by=agent)

    assert article.published_at >= before
