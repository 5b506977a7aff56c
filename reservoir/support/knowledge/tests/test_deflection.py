import datetime as dt

import pytest
from django.utils import timezone

from reservoir.parties.tests.factories import PartyFactory
from reservoir.support.knowledge import services
from reservoir.support.knowledge.deflection import deflection_report
from reservoir.support.knowledge.models import ArticleView, ViewSource
from reservoir.support.knowledge.tests.factories import make_article
from reservoir.support.models import Case

pytestmark = pytest.mark.django_db


def _view(article, party, session, at, source=ViewSource.PORTAL):
    view = services.record_view(
        article, party_id=party.pk if party else None, session_key=session, source=source
    )
    ArticleView.objects.filter(pk=view.pk).update(at=at)


def _case(party, at):
    return Case.objects.create(party=party, subject="Help", channel="portal", opened_at=at)


def test_visitor_who_read_and_opened_no_case_is_deflected():
    now = timezone.now()
    article = make_article("Returns")
    read_only, opened, opened_late = PartyFactory(), PartyFactory(), PartyFactory()
    _view(article, read_only, "a", now - dt.timedelta(days=3))
    _view(article, opened, "b", now - dt.timedelta(days=3))
    _case(opened, now - dt.timedelta(days=3) + dt.timedelta(hours=2))
    _view(article, opened_late, "c", now - dt.timedelta(days=5))
    _case(opened_late, now - dt.timedelta(days=3))
    _view(article, None, "anon", now - dt.timedelta(days=1))

    report = deflection_report(now - dt.timedelta(days=7), now)

    assert (report.visitors, report.deflected) == (4, 3)
    assert report.rate == 0.75


def test_anonymous_session_that_signed_in_counts_as_the_customer():
    now = timezone.now()
    article = make_article("Returns")
    party = PartyFactory()
    _view(article, None, "sess", now - dt.timedelta(hours=5))
    _view(article, party, "sess", now - dt.timedelta(hours=4))
    _case(party, now - dt.timedelta(hours=3))

    report = deflection_report(now - dt.timedelta(days=1), now)

    assert (report.visitors, report.deflected) == (1, 0)


def test_staff_and_chat_views_count_as_views_but_not_visitors():
    now = timezone.now()
    article = make_article("Returns")
    services.mark_helpful(article, helpful=True)
    _view(article, None, "staff", now - dt.timedelta(hours=1), source=ViewSource.STAFF)
    _view(article, None, "bot", now - dt.timedelta(hours=1), source=ViewSource.CHAT)

    report = deflection_report(now - dt.timedelta(days=1), now)

    assert (report.views, report.portal_views, report.visitors, report.rate) == (2, 0, 0, None)
    assert [(u.article_id, u.views, u.helpful_percent) for u in report.top] == [
        (article.pk, 2, 100)
    ]


def test_views_outside_the_period_are_ignored():
    now = timezone.now()
    article = make_article("Returns")
    _view(article, PartyFactory(), "old", now - dt.timedelta(days=40))

    report = deflection_report(now - dt.timedelta(days=30), now)

    assert (report.views, report.visitors) == (0, 0)
