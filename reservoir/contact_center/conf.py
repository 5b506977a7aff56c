"""Live chat's tunable numbers: a Django setting, else the environment variable, else a default.

Reading the environment here too lets an operator set CHAT_* variables before
config/settings.py names them; a value that is not a whole number falls back to the default
(logged), so a typo never breaks the chat.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings

logger = logging.getLogger(__name__)


def setting_int(name: str, default: int, *, minimum: int = 0) -> int:
    """The whole-number setting `name` (at least `minimum`)."""
    raw = getattr(settings, name, None)
    if raw is None:
        raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        logger.warning("%s=%r is not a whole number; using %s", name, raw, default)
        return default
    return max(minimum, value)
