import datetime as dt

import pytest

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.tests.factories import PartyFactory
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


def test_interaction_lands_on_survivor_when_party_id_names_a_merged_party():
    survivor = PartyFactory()
    merged = PartyFactory(status=PartyStatus.MERGED, merged_into=survivor)
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

    interaction, created = record_interaction(
        InteractionInput(
            channel="phone", direction="inbound", party_id=merged.pk, occurred_at=when
        ),
        by=None,
    )

    assert created is True
    assert interaction.party_id == survivor.pk
    assert Party.objects.get(pk=survivor.pk).last_interaction_at == when
    assert Party.objects.get(pk=merged.pk).last_interaction_at is None
    entry = AuditEntry.objects.get(action="timeline.interaction.recorded")
    assert entry.data == {"party": survivor.pk}


def test_last_contact_time_moves_only_forward_when_interactions_arrive_out_of_order():
    party = PartyFactory()
    early, late = (dt.datetime(2026, 3, d, 12, 0, tzinfo=dt.UTC) for d in (1, 2))

    for when in (late, early):
        record_interaction(
            InteractionInput(
                channel="email", direction="inbound", party_id=party.pk, occurred_at=when
            ),
            by=None,
        )

    assert Party.objects.get(pk=party.pk).last_interaction_at == late


def test_nothing_is_written_when_party_id_is_unknown():
    with pytest.raises(InvalidInput) as exc:
        record_interaction(
            InteractionInput(channel="phone", direction="inbound", party_id=999_999), by=None
        )

    assert exc.value.field == "party_id"
    assert Interaction.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("party_id", [0, 2**70])
def test_nothing_is_written_when_party_id_is_out_of_range(party_id):
    with pytest.raises(InvalidInput) as exc:
        record_interaction(
            InteractionInput(channel="phone", direction="inbound", party_id=party_id), by=None
        )

    assert exc.value.field == "party_id"
    assert Interaction.objects.count() == 0


def test_batch_matches_and_dedupes_beyond_a_thousand_values_when_ids_carry_quotes():
    known = PartyFactory()
    ContactPoint.objects.create(party=known, kind="email", value="known@example.com")
    items = [
        InteractionInput(
            channel="email",
            direction="inbound",
            contact_value=f"client{n}@example.com" if n else "Known@Example.COM",
            source="o'mail" if n % 2 else 'mail "x"',
            external_id=f"id-'{n}\"",
        )
        for n in range(1_500)
    ]

    first = ingest_batch(items, by=None)
    second = ingest_batch(items, by=None)

    assert (first, second) == (1_500, 0)
    assert Interaction.objects.filter(party=known).count() == 1
    assert Party.objects.count() == 1_500  # the known party and 1,499 provisional ones


def test_batch_moves_last_contact_time_only_forward_when_times_are_out_of_order():
    moved, kept = PartyFactory(), PartyFactory()
    early, middle, late = (dt.datetime(2026, 3, d, 12, 0, tzinfo=dt.UTC) for d in (1, 2, 3))
    Party.objects.filter(pk=kept.pk).update(last_interaction_at=late)

    ingest_batch(
        [
            InteractionInput(channel="sms", direction="inbound", party_id=p.pk, occurred_at=t)
            for p, t in ((moved, middle), (moved, early), (kept, middle))
        ],
        by=None,
    )

    assert Party.objects.get(pk=moved.pk).last_interaction_at == middle
    assert Party.objects.get(pk=kept.pk).last_interaction_at == late
