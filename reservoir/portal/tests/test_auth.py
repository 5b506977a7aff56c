"""Sign-in by password, one-time codes and e-mailed links; rate limits; CSRF; invitations."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from reservoir.core.customer_session import CUSTOMER_SESSION_KEY
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.portal.models import LoginAttempt, MagicLink, PortalAccount
from reservoir.portal.tests.conftest import PASSWORD
from reservoir.portal.tests.factories import portal_account

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):
    return client.post("/portal/login/", {"email": email, "password": password})


def test_password_sign_in_binds_party_and_rotates_session_when_password_right(alice):
    client = Client()
    client.get("/portal/login/")
    before = client.session.session_key

    response = _login(client, "Alice@Example.com ", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.session[CUSTOMER_SESSION_KEY] == alice.party_id
    assert client.session.session_key != before
    assert "_auth_user_id" not in client.session  # never a staff login
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_sign_in_refused_with_one_message_when_password_wrong_or_account_unknown(alice):
    client = Client()

    wrong = _login(client, "alice@example.com", "not-it")
    unknown = _login(client, "nobody@example.com", "not-it")

    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.content.decode()
    assert "do not match" in unknown.content.decode()
    assert CUSTOMER_SESSION_KEY not in client.session
    assert LoginAttempt.objects.filter(kind="password").count() == 2


def test_sixth_attempt_blocked_even_with_right_password_until_window_passes(alice):
    client = Client()
    for _ in range(5):
        assert _login(client, "alice@example.com", "wrong-guess").status_code == 401

    sixth = _login(client, "alice@example.com", "wrong-guess")
    right = _login(client, "alice@example.com", PASSWORD)

    assert sixth.status_code == 429
    assert "Too many attempts" in sixth.content.decode()
    assert right.status_code == 429
    assert CUSTOMER_SESSION_KEY not in client.session
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    later = _login(client, "alice@example.com", PASSWORD)
    assert later.status_code == 302
    assert client.session[CUSTOMER_SESSION_KEY] == alice.party_id


def test_other_addresses_still_sign_in_when_one_address_is_blocked(alice, bob):
    for _ in range(5):
        _login(Client(), "alice@example.com", "wrong-guess")

    response = _login(Client(), bob.email, PASSWORD)

    assert response.status_code == 302


def test_one_ip_is_blocked_after_twenty_failures_across_addresses(settings, alice):
    client = Client()
    for n in range(20):
        _login(client, f"guess{n}@example.com", "x")

    response = _login(client, "alice@example.com", PASSWORD)

    assert response.status_code == 429


def test_totp_code_required_when_enabled(db):
    secret = pyotp.random_base32()
    party = PartyFactory()
    account = portal_account(party, PASSWORD, email="otp@example.com", otp_secret=secret)
    client = Client()

    first = _login(client, "otp@example.com", PASSWORD)

    assert first.status_code == 302
    assert first["Location"] == "/portal/login/code/"
    assert CUSTOMER_SESSION_KEY not in client.session
    assert client.get("/portal/").status_code == 302  # not signed in yet
    wrong = client.post("/portal/login/code/", {"code": "000000"})
    assert wrong.status_code == 401
    assert CUSTOMER_SESSION_KEY not in client.session
    right = client.post("/portal/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    assert client.session[CUSTOMER_SESSION_KEY] == account.party_id


def test_totp_code_used_once(db):
    secret = pyotp.random_base32()
    account = portal_account(PartyFactory(), PASSWORD, email="otp2@example.com", otp_secret=secret)
    code = pyotp.TOTP(secret).now()
    first, second = Client(), Client()
    _login(first, account.email, PASSWORD)
    first.post("/portal/login/code/", {"code": code})

    _login(second, account.email, PASSWORD)
    replay = second.post("/portal/login/code/", {"code": code})

    assert replay.status_code == 401
    assert CUSTOMER_SESSION_KEY not in second.session


def _link_from_mail() -> str:
    match = re.search(r"http://testserver(/portal/link/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_magic_link_for_contact_email_opens_account_and_signs_in_once(db):
    party = PartyFactory(display_name="Chen Jie")
    ContactPointFactory(party=party, value="chen@example.com")
    client = Client()

    sent = client.post("/portal/login/link/", {"email": "CHEN@example.com"})

    assert sent.status_code == 200
    assert "If chen@example.com is an address we know" in sent.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chen@example.com"]
    account = PortalAccount.objects.get(party=party)
    assert account.email == "chen@example.com"
    link = _link_from_mail()
    assert client.get(link).status_code == 200  # a scanner's GET uses nothing up
    assert CUSTOMER_SESSION_KEY not in client.session
    used = client.post(link)
    assert used.status_code == 302
    assert client.session[CUSTOMER_SESSION_KEY] == party.pk
    again = Client().post(link)
    assert again.status_code == 410
    assert "expired or was already used" in again.content.decode()


def test_magic_link_request_for_unknown_email_says_the_same_and_sends_nothing(db):
    response = Client().post("/portal/login/link/", {"email": "stranger@example.com"})

    assert response.status_code == 200
    assert "If stranger@example.com is an address we know" in response.content.decode()
    assert mail.outbox == []
    assert PortalAccount.objects.count() == 0


def test_magic_link_refused_when_expired(alice):
    client = Client()
    client.post("/portal/login/link/", {"email": alice.email})
    link = _link_from_mail()
    MagicLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(link)

    assert response.status_code == 410
    assert CUSTOMER_SESSION_KEY not in client.session


def test_magic_link_requests_are_rate_limited(alice):
    client = Client()
    for _ in range(5):
        client.post("/portal/login/link/", {"email": alice.email})

    sixth = client.post("/portal/login/link/", {"email": alice.email})

    assert sixth.status_code == 429
    assert len(mail.outbox) == 5


def test_magic_link_still_asks_for_code_when_totp_enabled(db):
    secret = pyotp.random_base32()
    account = portal_account(PartyFactory(), "", email="m@example.com", otp_secret=secret)
    client = Client()
    client.post("/portal/login/link/", {"email": account.email})

    response = client.post(_link_from_mail())

    assert response["Location"] == "/portal/login/code/"
    assert CUSTOMER_SESSION_KEY not in client.session


def test_login_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/portal/login/", {"email": alice.email, "password": PASSWORD})

    assert response.status_code == 403
    assert CUSTOMER_SESSION_KEY not in client.session


def test_portal_form_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.get("/portal/login/")
    token = client.cookies["csrftoken"].value
    signed = client.post(
        "/portal/login/", {"email": alice.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert signed.status_code == 302

    response = client.post("/portal/cases/new/", {"subject": "x", "body": "y", "type": "question"})

    assert response.status_code == 403


def test_sign_out_forgets_the_customer(alice_client):
    response = alice_client.post("/portal/logout/")

    assert response.status_code == 302
    assert CUSTOMER_SESSION_KEY not in alice_client.session
    assert alice_client.get("/portal/").status_code == 302


def test_pages_send_anonymous_visitors_to_sign_in(db):
    response = Client().get("/portal/cases/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=%2Fportal%2Fcases%2F"


def test_deactivated_account_loses_its_session(alice_client, alice):
    PortalAccount.objects.filter(pk=alice.pk).update(is_active=False)

    response = alice_client.get("/portal/")

    assert response.status_code == 302


def test_staff_invites_visible_customer_by_email(rep_a):
    party = PartyFactory(owner=rep_a)
    ContactPointFactory(party=party, value="dora@example.com")
    client = Client()
    client.force_login(rep_a)

    response = client.post(f"/portal/invite/{party.pk}/")

    assert response.status_code == 302
    account = PortalAccount.objects.get(party=party)
    assert account.email == "dora@example.com"
    assert account.invited_by == rep_a
    assert mail.outbox[0].to == ["dora@example.com"]
    assert "invited" in mail.outbox[0].body
    link = _link_from_mail()
    customer = Client()
    customer.post(link)
    assert customer.session[CUSTOMER_SESSION_KEY] == party.pk


def test_staff_cannot_invite_a_customer_they_cannot_see(rep_a, rep_b):
    party = PartyFactory(owner=rep_b)
    ContactPointFactory(party=party, value="eve@example.com")
    client = Client()
    client.force_login(rep_a)

    response = client.post(f"/portal/invite/{party.pk}/")

    assert response.status_code == 404
    assert PortalAccount.objects.filter(party=party).exists() is False
    assert mail.outbox == []


def test_invite_without_email_says_so(rep_a):
    party = PartyFactory(owner=rep_a)
    client = Client()
    client.force_login(rep_a)

    response = client.post(f"/portal/invite/{party.pk}/", follow=True)

    assert "no e-mail address" in response.content.decode()
    assert PortalAccount.objects.filter(party=party).exists() is False


def test_customer_session_is_not_a_staff_login(alice_client, alice):
    response = alice_client.post(f"/portal/invite/{alice.party_id}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_login_is_not_a_customer_session(rep_a):
    client = Client()
    client.force_login(rep_a)

    response = client.get("/portal/")

    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/")
    assert UserFactory._meta.model.objects.count() == 1


def test_code_step_expires_after_ten_minutes(db):
    secret = pyotp.random_base32()
    account = portal_account(PartyFactory(), PASSWORD, email="late@example.com", otp_secret=secret)
    client = Client()
    _login(client, account.email, PASSWORD)
    session = client.session
    session["reservoir.portal.pending_account_id"] = {"id": account.pk, "at": 0}
    session.save()

    response = client.post("/portal/login/code/", {"code": pyotp.TOTP(secret).now()})

    assert response["Location"] == "/portal/login/"
    assert CUSTOMER_SESSION_KEY not in client.session
