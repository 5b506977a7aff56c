import pytest

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import ContactPoint, Party
from reservoir.timeline.models import Interaction
from reservoir.timeline.services import InteractionInput, ingest_batch, record_interaction

pytestmark = pytest.mark.django_db


def test_phone_formats_land_on_one_party_when_written_differently():
    raws = ["+86 138 0013 8000", "13800138000", "0086-138-0013-8000"]

    parties = {
        record_interaction(
            InteractionInput(channel="phone", direction="inbound", contact_value=r), by=None
        )[0].party_id
        for r in raws
    }

    assert len(parties) == 1
    assert ContactPoint.objects.get().value == "+8613800138000"
    assert Interaction.objects.count() == 3


def test_email_case_lands_on_one_party_when_case_differs():
    first, _ = record_interaction(
        InteractionInput(channel="email", direction="inbound", contact_value="Alice@Example.COM"),
        by=None,
    )

    second, _ = record_interaction(
        InteractionInput(channel="email", direction="inbound", contact_value="alice@example.com"),
        by=None,
    )

    assert first.party_id == second.party_id
    assert Party.objects.get().status == PartyStatus.PROVISIONAL


def test_same_external_id_is_stored_once_when_posted_twice():
    item = InteractionInput(
        channel="chat",
        direction="inbound",
        contact_kind="wechat",
        contact_value="wx_1",
        source="wechat",
        external_id="m-1",
    )

    first, created1 = record_interaction(item, by=None)
    second, created2 = record_interaction(item, by=None)

    assert (created1, created2) == (True, False)
    assert first.pk == second.pk
    assert Interaction.objects.count() == 1


def test_nothing_is_written_when_channel_is_unknown():
    item = InteractionInput(channel="telepathy", direction="inbound", contact_value="13800138000")

    with pytest.raises(InvalidInput) as exc:
        record_interaction(item, by=None)

    assert "telepathy" in exc.value.message
    assert Party.objects.count() == 0
    assert Interaction.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_nothing_is_written_when_phone_is_malformed():
    with pytest.raises(InvalidInput):
        record_interaction(
            InteractionInput(channel="phone", direction="inbound", contact_value="12"), by=None
        )

    assert Party.objects.count() == 0


def test_body_is_cleaned_when_it_carries_script():
    interaction, _ = record_interaction(
        InteractionInput(
            channel="email",
            direction="inbound",
            contact_value="a@b.com",
            body="<p onclick='x()'>Hi</p><script>alert(1)</script>",
        ),
        by=None,
    )

    assert interaction.body == "<p>Hi</p>"


def test_batch_identifies_and_dedupes_when_repeated():
    items = [
        InteractionInput(
            channel="sms",
            direction="inbound",
            contact_value=f"1380013{n:04d}",
            source="sms",
            external_id=f"s{n}",
        )
        for n in range(50)
    ] + [
        InteractionInput(
            channel="sms",
            direction="inbound",
            contact_value="+86 138 0013 0001",
            source="sms",
            external_id="s-extra",
        )
    ]

    first = ingest_batch(items, by=None)
    second = ingest_batch(items, by=None)

    assert (first, second) == (51, 0)
    assert Party.objects.count() == 50
    assert Interaction.objects.count() == 51


def test_batch_stores_every_field_as_the_single_path_does():
    import datetime as dt
    from decimal import Decimal

    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    item = InteractionInput(
        channel="campaign",
        direction="outbound",
        kind="message",
        contact_value="a@b.com",
        occurred_at=when,
        subject=" Spring sale ",
        body="<p>Hi<script>x</script></p>",
        cost="0.35",
        duration_seconds=12,
        source="esp",
        external_id="e-1",
        link={"app": "marketing", "model": "campaign", "pk": 7, "label": "Spring"},
    )

    ingest_batch([item], by=None)

    row = Interaction.objects.get()
    assert (row.occurred_at, row.subject, row.body) == (when, "Spring sale", "<p>Hi</p>")
    assert (row.cost, row.currency, row.duration_seconds) == (Decimal("0.35"), "CNY", 12)
    assert (row.link_model, row.link_pk, row.contact_address) == ("campaign", "7", "a@b.com")
    assert Party.objects.get().last_interaction_at == when
    assert AuditEntry.objects.filter(action="timeline.batch.ingested").count() == 1


def test_batch_writes_nothing_when_a_staff_id_is_unknown():
    item = InteractionInput(
        channel="phone", direction="inbound", contact_value="13800138000", staff_id=987654
    )

    with pytest.raises(InvalidInput) as exc:
        ingest_batch([item], by=None)

    assert exc.value.field == "staff_id"
    assert Party.objects.count() == 0
    assert Interaction.objects.count() == 0
