"""Limits on starting chats through the public endpoint (per client address and visitor)."""

import json

import pytest
from django.test import override_settings

from reservoir.contact_center import throttle
from reservoir.contact_center.models import ChatSession, ChatStartCount
from reservoir.core.customer_session import CUSTOMER_SESSION_KEY
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db

# A window ending in 2033: two requests of a test never straddle its boundary.
LONG_WINDOW = 10**9


@pytest.fixture(autouse=True)
def _counts_in_the_database(settings):
    """Count in ChatStartCount rows (rolled back after each test), even where the suite runs
    with Redis: counters there would outlive the test. One test below uses a cache of its own.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _start(client, body, ip="203.0.113.5"):
    return client.post(
        "/chat/api/sessions",
        data=json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
        HTTP_ORIGIN="https://shop.example.org",
    )


@override_settings(
    CHAT_SESSIONS_PER_IP=2, CHAT_SESSIONS_PER_VISITOR=0, CHAT_SESSION_WINDOW_SECONDS=LONG_WINDOW
)
def test_start_refused_with_429_and_nothing_created_when_address_limit_reached(client):
    first = _start(client, {"name": "A", "email": "a@example.com"})
    second = _start(client, {"name": "B", "email": "b@example.com"})

    refused = _start(client, {"name": "C", "email": "c@example.com"})

    body = refused.json()
    assert [first.status_code, second.status_code, refused.status_code] == [201, 201, 429]
    assert refused["Content-Type"] == "application/problem+json"
    assert (body["type"], body["status"]) == ("urn:reservoir:problem:rate_limited", 429)
    assert "Too many chats" in body["detail"]
    assert 0 < int(refused["Retry-After"]) <= LONG_WINDOW
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]
    assert ChatSession.objects.count() == 2
    assert Party.objects.count() == 2  # no provisional party for the refused visitor


@override_settings(
    CHAT_SESSIONS_PER_IP=1, CHAT_SESSIONS_PER_VISITOR=0, CHAT_SESSION_WINDOW_SECONDS=LONG_WINDOW
)
def test_other_addresses_still_start_when_one_address_is_limited(client):
    _start(client, {"email": "a@example.com"}, ip="203.0.113.5")
    limited = _start(client, {"email": "b@example.com"}, ip="203.0.113.5")

    other = _start(client, {"email": "b@example.com"}, ip="198.51.100.7")

    assert (limited.status_code, other.status_code) == (429, 201)
    assert ChatSession.objects.count() == 2


@override_settings(
    CHAT_SESSIONS_PER_IP=0, CHAT_SESSIONS_PER_VISITOR=1, CHAT_SESSION_WINDOW_SECONDS=LONG_WINDOW
)
def test_visitor_limit_follows_the_email_across_addresses(client):
    first = _start(client, {"email": "li.na@example.com"}, ip="203.0.113.5")

    again = _start(client, {"email": " Li.Na@Example.com"}, ip="198.51.100.7")
    someone_else = _start(client, {"email": "wang@example.com"}, ip="198.51.100.7")

    assert [first.status_code, again.status_code, someone_else.status_code] == [201, 429, 201]
    assert ChatSession.objects.filter(email__iexact="li.na@example.com").count() == 1


@override_settings(
    CHAT_SESSIONS_PER_IP=0, CHAT_SESSIONS_PER_VISITOR=1, CHAT_SESSION_WINDOW_SECONDS=LONG_WINDOW
)
def test_signed_in_customer_is_limited_as_one_visitor(client):
    party = PartyFactory()
    s = client.session
    s[CUSTOMER_SESSION_KEY] = party.pk
    s.save()

    first = _start(client, {})
    second = _start(client, {"email": "other@example.com"}, ip="198.51.100.7")

    assert (first.status_code, second.status_code) == (201, 429)
    assert ChatSession.objects.filter(party=party).count() == 1


@override_settings(CHAT_SESSIONS_PER_IP=2, CHAT_SESSION_WINDOW_SECONDS=600)
def test_limit_lifts_when_the_window_ends():
    start = 1_800_000_000.0  # a window boundary (a multiple of 600)
    throttle.check_start(remote_addr="203.0.113.5", visitor="", now=start + 10)
    throttle.check_start(remote_addr="203.0.113.5", visitor="", now=start + 20)
    with pytest.raises(throttle.TooManyStarts) as exc:
        throttle.check_start(remote_addr="203.0.113.5", visitor="", now=start + 30)

    throttle.check_start(remote_addr="203.0.113.5", visitor="", now=start + 600)

    assert exc.value.retry_after == 570
    assert sorted(ChatStartCount.objects.values_list("count", flat=True)) == [1, 3]


@override_settings(CHAT_SESSIONS_PER_IP=0, CHAT_SESSIONS_PER_VISITOR=0)
def test_nothing_is_counted_when_limits_are_off():
    for _ in range(3):
        throttle.check_start(remote_addr="203.0.113.5", visitor="email:a@example.com")

    assert ChatStartCount.objects.count() == 0


def test_counts_go_to_a_shared_cache_when_there_is_one(tmp_path):
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    with override_settings(CACHES=cache, CHAT_SESSIONS_PER_IP=1, CHAT_SESSION_WINDOW_SECONDS=600):
        throttle.check_start(remote_addr="203.0.113.5", visitor="", now=1_800_000_000.0)
        with pytest.raises(throttle.TooManyStarts):
            throttle.check_start(remote_addr="203.0.113.5", visitor="", now=1_800_000_001.0)
        other = throttle.check_start(remote_addr="198.51.100.7", visitor="", now=1_800_000_002.0)

    assert other is None
    assert ChatStartCount.objects.count() == 0


def test_purge_deletes_counters_of_ended_windows_only():
    ChatStartCount.objects.create(key="a" * 64, window_end=1_000, count=3)
    ChatStartCount.objects.create(key="b" * 64, window_end=2_000, count=1)

    deleted = throttle.purge_start_counts(now=1_500)

    assert deleted == 1
    assert list(ChatStartCount.objects.values_list("window_end", flat=True)) == [2_000]


def test_ipv6_addresses_count_per_64_network_and_mapped_ipv4_as_ipv4():
    same_host = {throttle.client_address("2001:db8::1"), throttle.client_address("2001:db8::ff")}

    assert same_host == {"2001:db8::/64"}
    assert throttle.client_address("2001:db8:0:1::1") == "2001:db8:0:1::/64"
    assert throttle.client_address("::ffff:203.0.113.5") == "203.0.113.5"
    assert throttle.client_address("not an address") == "unknown"


def test_visitor_key_prefers_signed_in_customer_then_email_then_phone():
    keys = [
        throttle.visitor_key(party_id=7, email="a@example.com"),
        throttle.visitor_key(party_id=None, email=" A@Example.com ", phone="+86 138"),
        throttle.visitor_key(party_id=None, phone="+86 138-0013"),
        throttle.visitor_key(party_id=None),
    ]

    assert keys == ["party:7", "email:a@example.com", "phone:861380013", ""]


def test_widget_carries_the_rate_limit_message_in_every_language(client):
    response = client.get("/chat/widget.js")

    body = response.content.decode()
    config = json.loads(body.split("window.ReservoirChatConfig=", 1)[1].split(";\n", 1)[0])
    assert all(config["strings"][lang]["rate_limited"] for lang in config["strings"])
    assert "result.status === 429" in body
