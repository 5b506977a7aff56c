"""The consent ledger: policy, recording, history page, API, merges and decision facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.consent import selectors, services
from reservoir.consent.events import ConsentChanged
from reservoir.consent.models import ConsentRecord
from reservoir.consent.receivers import on_parties_merged
from reservoir.core import events
from reservoir.decisions.facts import DecisionContext, FactSet
from reservoir.parties.events import PartiesMerged
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def _record(party, channel, purpose, status, **kw):
    return services.record_consent(
        party, channel=channel, purpose=purpose, status=status, source="staff", **kw
    )


def test_marketing_needs_a_grant_and_service_is_allowed_until_withdrawn():
    party = PartyFactory()

    assert selectors.may_contact(party.pk, "email", "marketing") is False
    assert selectors.may_contact(party.pk, "email", "service") is True
    assert selectors.may_contact(party.pk, "sms", "surveys") is True
    _record(party, "email", "marketing", "granted")
    _record(party, "sms", "service", "withdrawn")
    assert selectors.may_contact(party.pk, "email", "marketing") is True
    assert selectors.may_contact(party.pk, "sms", "service") is False
    _record(party, "email", "marketing", "withdrawn")
    assert selectors.may_contact(party.pk, "email", "marketing") is False


def test_unknown_channel_or_purpose_is_never_allowed():
    party = PartyFactory()

    assert selectors.may_contact(party.pk, "carrier_pigeon", "service") is False
    assert selectors.may_contact(party.pk, "email", "gossip") is False


def test_record_consent_audits_and_publishes(django_capture_on_commit_callbacks):
    party = PartyFactory()
    seen: list[ConsentChanged] = []
    events.subscribe(ConsentChanged, seen.append)

    with django_capture_on_commit_callbacks(execute=True):
        row = _record(party, "wechat", "marketing", "granted", evidence="Scanned QR at the fair")

    assert row is not None
    assert row.evidence == "Scanned QR at the fair"
    assert (
        AuditEntry.objects.filter(action="consent.consent.granted", object_pk=str(party.pk)).count()
        == 1
    )
    assert seen[-1] == ConsentChanged(party.pk, "wechat", "marketing", "granted", "staff")


def test_repeating_what_is_in_force_writes_nothing():
    party = PartyFactory()
    _record(party, "email", "marketing", "granted")

    again = _record(party, "email", "marketing", "granted")

    assert again is None
    assert ConsentRecord.objects.filter(party=party).count() == 1


def test_bad_values_are_refused():
    party = PartyFactory()

    with pytest.raises(Exception, match="Unknown channel"):
        _record(party, "fax", "marketing", "granted")
    assert ConsentRecord.objects.count() == 0


def test_ledger_is_append_only():
    row = _record(PartyFactory(), "email", "marketing", "granted")

    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()


def test_set_preferences_records_only_changes():
    party = PartyFactory()
    choices = {("email", "marketing"): True, ("email", "service"): True, ("sms", "service"): False}

    written = services.set_preferences(party, choices, source="portal")

    assert sorted((r.channel, r.purpose, r.status) for r in written) == [
        ("email", "marketing", "granted"),
        ("sms", "service", "withdrawn"),
    ]


def test_merge_carries_withdrawals_and_grants_to_the_survivor():
    survivor, merged = PartyFactory(), PartyFactory()
    old = timezone.now() - dt.timedelta(days=3)
    _record(survivor, "email", "marketing", "granted", at=old)
    _record(merged, "email", "marketing", "withdrawn")
    _record(merged, "sms", "marketing", "granted")

    on_parties_merged(PartiesMerged(merge_id=1, survivor_id=survivor.pk, merged_id=merged.pk))
    on_parties_merged(PartiesMerged(merge_id=1, survivor_id=survivor.pk, merged_id=merged.pk))

    assert selectors.may_contact(survivor.pk, "email", "marketing") is False
    assert selectors.may_contact(survivor.pk, "sms", "marketing") is True
    assert ConsentRecord.objects.filter(party=survivor).count() == 3


def test_marketing_facts_follow_the_ledger():
    party = PartyFactory()
    _record(party, "email", "marketing", "granted")
    ctx = DecisionContext(channel="portal", at=timezone.now())

    facts = FactSet(party.pk, ctx)

    assert facts["customer.may_email_marketing"] is True
    assert facts["customer.may_sms_marketing"] is False
    assert facts["customer.marketing_channels"] == ["email"]


def test_staff_page_shows_history_and_records_a_decision(rep_a):
    party = PartyFactory(owner=rep_a)
    _record(party, "email", "marketing", "granted", evidence="Signed the form")
    client = Client()
    client.force_login(rep_a)

    page = client.get(f"/consent/{party.pk}/")
    posted = client.post(
        f"/consent/{party.pk}/",
        {"channel": "phone", "purpose": "marketing", "status": "withdrawn", "evidence": "Call"},
    )

    assert page.status_code == 200
    assert "Signed the form" in page.content.decode()
    assert posted.status_code == 302
    row = ConsentRecord.objects.get(party=party, channel="phone")
    assert (row.status, row.source, row.recorded_by) == ("withdrawn", "staff", rep_a)


def test_staff_page_of_invisible_party_is_404(rep_a, rep_b):
    party = PartyFactory(owner=rep_b)
    client = Client()
    client.force_login(rep_a)

    assert client.get(f"/consent/{party.pk}/").status_code == 404


def test_staff_page_query_count_does_not_grow_with_history(rep_a):
    party = PartyFactory(owner=rep_a)
    client = Client()
    client.force_login(rep_a)
    _record(party, "email", "marketing", "granted")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/consent/{party.pk}/")
    _record(party, "sms", "marketing", "granted")
    _record(party, "post", "marketing", "granted")

    with CaptureQueriesContext(connection) as three:
        client.get(f"/consent/{party.pk}/")

    assert len(three) == len(one)


def test_api_reads_and_records(rep_a):
    party = PartyFactory(owner=rep_a)
    client = Client()
    client.force_login(rep_a)
    client.get("/")
    token = client.cookies["csrftoken"].value

    created = client.post(
        f"/api/v1/parties/{party.pk}/consent",
        {"channel": "email", "purpose": "marketing", "status": "granted", "evidence": "web form"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    repeated = client.post(
        f"/api/v1/parties/{party.pk}/consent",
        {"channel": "email", "purpose": "marketing", "status": "granted"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    state = client.get(f"/api/v1/parties/{party.pk}/consent").json()

    assert created.status_code == 201
    assert repeated.status_code == 200
    assert repeated.json()["id"] == created.json()["id"]
    assert [h["source"] for h in state["history"]] == ["api"]
    allowed = {(p["channel"], p["purpose"]): p["allowed"] for p in state["preferences"]}
    assert allowed[("email", "marketing")] is True
    assert allowed[("sms", "marketing")] is False


def test_api_for_invisible_party_is_404(rep_a, rep_b):
    party = PartyFactory(owner=rep_b)
    client = Client()
    client.force_login(rep_a)

    assert client.get(f"/api/v1/parties/{party.pk}/consent").status_code == 404


def test_marketing_opted_out_when_withdrawn_and_granted_nowhere():
    party = PartyFactory()
    assert selectors.marketing_opted_out(party.pk) is False
    _record(party, "email", "marketing", "withdrawn")
    assert selectors.marketing_opted_out(party.pk) is True
    _record(party, "sms", "marketing", "granted")

    assert selectors.marketing_opted_out(party.pk) is False
