"""The batch's phone shortcut: a guessed E.164 form that is a stored (valid) number must be
exactly what phonenumbers makes of the typed text; everything else takes the full path."""

import phonenumbers
import pytest
from django.db import connection
from phonenumbers import PhoneNumberFormat

from reservoir.core.errors import InvalidInput
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.normalize import normalize_phone
from reservoir.timeline.contacts import guess_e164
from reservoir.timeline.models import Interaction
from reservoir.timeline.services import _EXISTING_SQL, InteractionInput, ingest_batch

REGIONS = ["CN", "US", "GB", "DE", "IT", "AR", "MX", "HK", "JP", "RU", "BR", "AU", "IN", "SG"]
TYPES = [
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
]


def _typings(number: phonenumbers.PhoneNumber) -> list[str]:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return [
        e164,
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        national,
        national.replace(" ", "").replace("-", ""),
        f"(+{number.country_code}) {phonenumbers.national_significant_number(number)}",
        f"00{e164[1:]}",
        f"011 {e164[1:]}",
        phonenumbers.national_significant_number(number),
        f"{number.country_code}{phonenumbers.national_significant_number(number)}",
    ]


def _samples() -> list[phonenumbers.PhoneNumber]:
    out = []
    for region in REGIONS:
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for delta in (0, 1, 7, 10, 123):
                number = phonenumbers.PhoneNumber(
                    country_code=example.country_code,
                    national_number=example.national_number + delta,
                    italian_leading_zero=example.italian_leading_zero,
                    number_of_leading_zeros=example.number_of_leading_zeros,
                )
                if phonenumbers.is_valid_number(number):
                    out.append(number)
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_guess_equals_phonenumbers_when_the_guess_is_a_valid_number(region):
    checked = 0

    for number in _samples():
        for raw in _typings(number):
            guess = guess_e164(raw, region)
            if guess is None or guess != _valid_or_none(guess):
                continue  # no guess, or one that cannot be a stored number
            checked += 1
            assert _valid_or_none(raw, region) == guess, (raw, region)

    assert checked > 20


def _valid_or_none(raw: str, region: str | None = None) -> str | None:
    try:
        return normalize_phone(raw, region) if region else normalize_phone(raw, "ZZ")
    except InvalidInput:
        return None


def test_guess_is_none_when_a_national_prefix_may_be_stripped():
    assert guess_e164("010 1234 5678", "CN") is None
    assert guess_e164("020 7946 0958", "GB") is None
    assert guess_e164("1 (201) 555-0123", "US") is None
    assert guess_e164("138 0013 8000 ext 12", "CN") is None


def test_guess_reads_the_usual_typings_of_a_chinese_mobile():
    typed = ["+86 138 0013 8000", "(+86) 13800138000", "0086-138-0013-8000", "138.0013.8000"]

    guesses = {guess_e164(raw, "CN") for raw in typed}

    assert guesses == {"+8613800138000"}


@pytest.mark.django_db
def test_batch_finds_stored_phone_when_typed_differently():
    party = Party.objects.create(kind="person", display_name="Wang")
    ContactPoint.objects.create(party=party, kind="phone", value="+8613800138000")
    items = [
        InteractionInput(channel="phone", direction="inbound", contact_value=raw, external_id=raw)
        for raw in ["138 0013 8000", "0086 13800138000", "+86-138-0013-8000"]
    ]

    created = ingest_batch(items, by=None)

    assert created == 3
    assert set(Interaction.objects.values_list("party_id", flat=True)) == {party.pk}
    assert Party.objects.count() == 1


@pytest.mark.django_db
def test_batch_writes_nothing_when_an_unknown_phone_is_malformed():
    items = [
        InteractionInput(channel="phone", direction="inbound", contact_value="+86 138 0013 8000"),
        InteractionInput(channel="phone", direction="inbound", contact_value="12"),
    ]

    with pytest.raises(InvalidInput):
        ingest_batch(items, by=None)

    assert Interaction.objects.count() == 0
    assert Party.objects.count() == 0


@pytest.mark.django_db
def test_repeat_check_uses_the_unique_index_when_looking_up_external_ids():
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # small table: ask if it CAN
        cursor.execute(prefix + _EXISTING_SQL(), ["api", "x-1"])
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "timeline_interaction_external_unique" in plan
