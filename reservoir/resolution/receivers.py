"""Resolution's reactions to other apps' events, subscribed when the app is ready."""

from __future__ import annotations
