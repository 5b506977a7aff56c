"""Chat states and message authors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    BOT = "bot", _("With the bot")
    QUEUED = "queued", _("Waiting")
    ACTIVE = "active", _("With an agent")
    ENDED = "ended", _("Ended")
    MISSED = "missed", _("Missed")


class Author(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


OPEN_STATUSES = (SessionStatus.BOT, SessionStatus.QUEUED, SessionStatus.ACTIVE)
MAX_MESSAGE_CHARS = 2000
