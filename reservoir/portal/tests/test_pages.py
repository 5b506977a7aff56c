"""Overview, help center, profile, preferences, security, surveys, language switch."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from reservoir.consent import selectors as consent_selectors
from reservoir.consent.models import ConsentRecord
from reservoir.core.customer_session import CUSTOMER_SESSION_KEY
from reservoir.parties.models import ContactPoint, PostalAddress
from reservoir.portal.models import PortalAccount
from reservoir.portal.session import PENDING_SECRET_KEY
from reservoir.portal.tests.conftest import sign_in
from reservoir.portal.tests.helpers import case_for, order_for
from reservoir.support import services as support_services
from reservoir.support.knowledge.models import ArticleView
from reservoir.support.knowledge.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_overview_shows_open_cases_and_recent_orders(alice_client, alice):
    case_for(alice, "Broken lid")
    order_for(alice, "SO-777")

    html = alice_client.get("/portal/").content.decode()

    assert "Hello, Alice Wong" in html
    assert "Broken lid" in html
    assert "SO-777" in html
    assert 'action="/portal/help/"' in html


def test_language_switch_renders_chinese(alice_client):
    switched = alice_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/portal/"})

    html = alice_client.get("/portal/").content.decode()

    assert switched.status_code == 302
    assert '<html lang="zh-hans">' in html
    assert "订单" in html  # "Orders" in the nav, from the shared catalogue


def test_help_center_search_and_article_view_counted(alice_client, alice):
    article = make_article("Descaling your kettle", "<p>Use citric acid monthly.</p>")
    make_article("Internal pricing", "<p>kettle margins</p>", visibility="internal")

    results = alice_client.get("/portal/help/?q=kettle").content.decode()
    page = alice_client.get(f"/portal/help/{article.slug}/")

    assert "Descaling your kettle" in results
    assert "Internal pricing" not in results
    assert page.status_code == 200
    assert "citric acid" in page.content.decode()
    view = ArticleView.objects.get(article=article)
    assert (view.party_id, view.source) == (alice.party_id, "portal")


def test_internal_article_is_404_on_the_portal(alice_client):
    article = make_article("Internal pricing", "<p>x</p>", visibility="internal")

    assert alice_client.get(f"/portal/help/{article.slug}/").status_code == 404


def test_case_suggestions_offer_public_articles(alice_client):
    article = make_article("Descaling your kettle", "<p>Use citric acid monthly.</p>")

    html = alice_client.get("/portal/cases/suggest/?q=kettle desc").content.decode()

    assert f'href="/portal/help/{article.slug}/"' in html


def test_help_center_is_open_to_visitors(db):
    make_article("Opening hours", "<p>We are open 7×24.</p>")

    response = Client().get("/portal/help/?q=hours")

    assert response.status_code == 200
    assert "Opening hours" in response.content.decode()


def test_profile_updates_name_and_adds_phone_and_address(alice_client, alice):
    alice_client.post(
        "/portal/account/",
        {"action": "profile", "family_name": "王", "given_name": "爱丽", "language": "zh-hans"},
    )
    alice_client.post(
        "/portal/account/", {"action": "contact", "kind": "phone", "value": "138 0013 8000"}
    )
    alice_client.post(
        "/portal/account/",
        {"action": "address", "country": "cn", "city": "上海", "street": "南京西路 1 号"},
    )

    party = alice.party
    party.refresh_from_db()
    assert (party.display_name, party.language) == ("王爱丽", "zh-hans")
    assert ContactPoint.objects.filter(party=party, kind="phone", value="+8613800138000").exists()
    assert PostalAddress.objects.get(party=party).city == "上海"


def test_bad_phone_gets_a_form_error(alice_client):
    response = alice_client.post(
        "/portal/account/", {"action": "contact", "kind": "phone", "value": "12"}
    )

    assert response.status_code == 422
    assert "phone number" in response.content.decode()


def test_customer_cannot_remove_another_customers_contact_point(alice_client, bob):
    cp = ContactPoint.objects.get(party=bob.party)

    response = alice_client.post(f"/portal/account/contacts/{cp.pk}/remove/")

    assert response.status_code == 404
    assert ContactPoint.objects.filter(pk=cp.pk).exists()


def test_preferences_record_consent_that_may_contact_honours(alice_client, alice):
    pid = alice.party_id
    assert consent_selectors.may_contact(pid, "email", "marketing") is False

    form = {"email__marketing": "on", "email__service": "on", "sms__service": "on"}
    response = alice_client.post("/portal/account/preferences/", form)

    assert response.status_code == 302
    assert consent_selectors.may_contact(pid, "email", "marketing") is True
    assert consent_selectors.may_contact(pid, "sms", "marketing") is False
    assert consent_selectors.may_contact(pid, "phone", "service") is False  # unticked
    rows = ConsentRecord.objects.filter(party_id=pid)
    assert set(rows.values_list("source", flat=True)) == {"portal"}
    assert rows.filter(channel="email", purpose="marketing", status="granted").count() == 1
    page = alice_client.get("/portal/account/preferences/").content.decode()
    assert 'name="email__marketing" id="id_email__marketing" checked' in page


def test_set_password_then_enable_totp(alice_client, alice):
    alice_client.post(
        "/portal/account/security/",
        {"action": "password", "password": "Another-fine-pw-9", "confirm": "Another-fine-pw-9"},
    )
    alice_client.get("/portal/account/security/")
    secret = alice_client.session[PENDING_SECRET_KEY]

    response = alice_client.post(
        "/portal/account/security/", {"action": "otp_enable", "code": pyotp.TOTP(secret).now()}
    )

    account = PortalAccount.objects.get(pk=alice.pk)
    assert response.status_code == 302
    assert account.otp_enabled is True
    client = Client()
    first = client.post("/portal/login/", {"email": alice.email, "password": "Another-fine-pw-9"})
    assert first["Location"] == "/portal/login/code/"
    assert CUSTOMER_SESSION_KEY not in client.session


def test_weak_password_is_refused(alice_client):
    response = alice_client.post(
        "/portal/account/security/", {"action": "password", "password": "abc", "confirm": "abc"}
    )

    assert response.status_code == 422
    assert "too short" in response.content.decode()


def test_survey_answered_from_its_link(alice):
    case = case_for(alice)
    survey = support_services.send_survey(case, "csat")
    client = Client()

    form = client.get(f"/portal/survey/{survey.token}/")
    answered = client.post(f"/portal/survey/{survey.token}/", {"score": "4", "comment": "Quick"})

    survey.refresh_from_db()
    assert form.status_code == 200
    assert answered.status_code == 200
    assert "Thank you!" in answered.content.decode()
    assert (survey.score, survey.comment) == (4, "Quick")


def test_survey_score_outside_its_scale_is_refused(alice):
    survey = support_services.send_survey(case_for(alice), "csat")

    response = Client().post(f"/portal/survey/{survey.token}/", {"score": "9"})

    survey.refresh_from_db()
    assert response.status_code == 422
    assert survey.answered_at is None


def test_unknown_survey_token_is_404(db):
    assert Client().get("/portal/survey/nope/").status_code == 404


def test_signed_in_customer_visiting_login_goes_home(alice_client):
    assert alice_client.get("/portal/login/")["Location"] == "/portal/"


def test_next_after_sign_in_stays_on_the_portal(alice):
    client = Client()
    client.get("/portal/cases/")

    evil = client.post(
        "/portal/login/",
        {"email": alice.email, "password": "Blue-lantern-2718", "next": "https://evil.example/"},
    )

    assert evil["Location"] == "/portal/"
    assert sign_in(Client(), alice)
