"""The widget's words in every language the site speaks (sent with the script once)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override


def _strings() -> dict[str, str]:
    return {
        "launcher": _("Chat with us"),
        "title": _("Chat with us"),
        "subtitle": _("We usually answer within minutes"),
        "intro": _("Tell us who you are, so we can find your history and get back to you."),
        "name": _("Your name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "email_or_phone": _("Give your email address or phone number."),
        "start": _("Start chat"),
        "placeholder": _("Type a message…"),
        "send": _("Send"),
        "person": _("Talk to a person"),
        "end": _("End chat"),
        "close": _("Close"),
        "typing": _("typing…"),
        "agent": _("Agent"),
        "bot": _("Assistant"),
        "you": _("You"),
        "rate": _("How did we do?"),
        "thanks": _("Thank you for your rating!"),
        "reconnecting": _("Reconnecting…"),
        "error": _("Something went wrong. Please try again."),
        "rate_limited": _(
            "Too many chats were started from here. Please try again in a few minutes."
        ),
        "new_chat": _("Start a new chat"),
        "read_more": _("Read the article"),
    }


@functools.cache
def strings_for_all() -> dict[str, dict[str, str]]:
    """{language code: {key: text}} for every configured language."""
    result = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            result[code] = _strings()
    return result
