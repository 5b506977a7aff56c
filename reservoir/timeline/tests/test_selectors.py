"""Timeline selectors that other apps' screens share."""

import pytest
from django.utils import translation

from reservoir.parties.tests.factories import PartyFactory
from reservoir.timeline import selectors
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def test_channel_breakdown_labels_each_channel_busiest_first_then_by_label():
    party = PartyFactory()
    for channel in ("sms", "web", "web", "ivr", "email", "email", "email"):
        InteractionFactory(party=party, channel=channel)
    InteractionFactory(channel="chat")  # someone else's

    with translation.override("en"):
        english = selectors.channel_breakdown(party_id=party.pk)
    with translation.override("zh-hans"):
        chinese = selectors.channel_breakdown(party_id=party.pk)

    assert [tuple(row) for row in english] == [
        ("email", "Email", 3),
        ("web", "Web visit", 2),
        ("ivr", "IVR", 1),
        ("sms", "SMS", 1),
    ]
    assert chinese[1].label == "网站访问"
