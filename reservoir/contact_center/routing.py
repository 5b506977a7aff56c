"""WebSocket routes of live chat, and the origin rule for the embeddable widget.

`with_chat(app)` wraps the project's websocket application (config/asgi.py): the visitor
socket is opened by the widget on *other* sites, so it is checked against
CHAT_ALLOWED_ORIGINS (default "*": the token, not a cookie, is the visitor's key) instead of
ALLOWED_HOSTS; the agent console keeps the same-host origin check and the staff session.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.conf import settings
from django.urls import path

from reservoir.contact_center.consumers import AgentConsumer, VisitorConsumer

VISITOR_PATH = "/ws/chat/visitor/"


def allowed_origins() -> list[str]:
    raw = getattr(settings, "CHAT_ALLOWED_ORIGINS", "*")
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    return [v.strip() for v in values if v.strip()] or ["*"]


def with_chat(app: Any) -> Any:
    """An ASGI websocket app: chat routes first, everything else to `app`."""
    visitor = OriginValidator(
        AuthMiddlewareStack(URLRouter([path("ws/chat/visitor/", VisitorConsumer.as_asgi())])),
        allowed_origins(),
    )
    agent = AllowedHostsOriginValidator(
        AuthMiddlewareStack(URLRouter([path("ws/chat/agent/", AgentConsumer.as_asgi())]))
    )

    async def route(scope: dict[str, Any], receive: Any, send: Any) -> None:
        current = scope.get("path", "")
        if current == VISITOR_PATH:
            return await visitor(scope, receive, send)  # type: ignore[no-any-return]
        if current == "/ws/chat/agent/":
            return await agent(scope, receive, send)  # type: ignore[no-any-return]
        return await app(scope, receive, send)  # type: ignore[no-any-return]

    return route
