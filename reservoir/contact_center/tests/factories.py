"""Factories and socket helpers for live chat tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from reservoir.contact_center import services
from reservoir.contact_center.models import AgentChatState, CannedResponse, ChatSession
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def agent(
    *,
    available: bool = True,
    capacity: int = 3,
    online: int = 1,
    seen_at: dt.datetime | None = None,
    **kwargs: Any,
) -> Any:
    """A chat agent; with `online` consoles, heard from just now unless `seen_at` says."""
    kwargs.setdefault("role", Role.CONTACT_CENTER_AGENT)
    user = UserFactory(**kwargs)
    if seen_at is None and online:
        seen_at = timezone.now()
    AgentChatState.objects.create(
        user=user, available=available, capacity=capacity, online=online, seen_at=seen_at
    )
    return user


def chat(**kwargs: Any) -> ChatSession:
    if "party_id" not in kwargs and not kwargs.get("email") and not kwargs.get("phone"):
        kwargs["party_id"] = PartyFactory().pk
    return services.start_session(**kwargs)


class CannedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedResponse

    shortcut = factory.Sequence(lambda n: f"reply{n}")
    title = factory.Sequence(lambda n: f"Reply {n}")
    body = "Thank you for waiting."
    language = ""


def session_cookie(user: Any) -> bytes:
    """A signed-in staff session, as the Cookie header a browser would send."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()


def visitor_socket(
    token: str, origin: bytes = b"https://shop.example.org"
) -> WebsocketCommunicator:
    from config.asgi import application

    return WebsocketCommunicator(
        application, f"/ws/chat/visitor/?token={token}", headers=[(b"origin", origin)]
    )


def agent_socket(cookie: bytes) -> WebsocketCommunicator:
    from config.asgi import application

    return WebsocketCommunicator(
        application,
        "/ws/chat/agent/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)],
    )
