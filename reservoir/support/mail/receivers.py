"""Mail reacts to case events: public agent replies and e-mail surveys go out by task."""

from __future__ import annotations

from reservoir.core import events
from reservoir.support.enums import MessageAuthor, MessageVisibility
from reservoir.support.events import CaseMessageAdded, SurveySent


def on_message_added(event: CaseMessageAdded) -> None:
    """Queue the e-mail of a public agent reply (the task skips non-e-mail threads)."""
    if event.visibility == MessageVisibility.PUBLIC and event.author_kind in (
        MessageAuthor.AGENT,
        MessageAuthor.BOT,
    ):
        from reservoir.support.mail.tasks import send_reply_email

        send_reply_email.enqueue(event.message_id)


def on_survey_sent(event: SurveySent) -> None:
    if event.channel == "email":
        from reservoir.support.mail.tasks import send_survey_email

        send_survey_email.enqueue(event.survey_id)


def subscribe() -> None:
    events.subscribe(CaseMessageAdded, on_message_added)
    events.subscribe(SurveySent, on_survey_sent)
