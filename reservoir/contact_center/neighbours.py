"""What live chat asks of support and the knowledge base, in one place.

Side effects: those of the called services (documented there).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.html import strip_tags

from reservoir.parties.models import Party
from reservoir.support import selectors as support_selectors
from reservoir.support import services as support_services
from reservoir.support.enums import CaseChannel, CaseType, SurveyKind
from reservoir.support.knowledge import selectors as knowledge
from reservoir.support.models import Case, CaseMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KbHit:
    title: str
    url: str
    snippet: str


def search_knowledge(query: str, language: str, *, limit: int = 3) -> list[KbHit]:
    """Published public articles matching `query`, best first (the portal's help pages)."""
    if not query.strip():
        return []
    try:
        hits = knowledge.public_search(query, language or None, limit=limit)
    except Exception:  # a search failure must not break the chat: the visitor gets a person
        logger.exception("knowledge search failed")
        return []
    return [
        KbHit(
            title=hit.article.title,
            url=f"/portal/help/{hit.article.slug}/",
            snippet=strip_tags(str(hit.snippet or ""))[:300],
        )
        for hit in hits
    ]


def open_chat_case(*, party: Party, subject: str, body: str) -> Case:
    """Open a support case from a chat, in the customer's name (channel "chat")."""
    return support_services.open_case(
        party=party, subject=subject, body=body, channel=CaseChannel.CHAT, by=None,
        type=CaseType.QUESTION,
    )  # fmt: skip


def open_cases(party_id: int) -> list[Case]:
    return list(support_selectors.open_cases_for_party(party_id))


def case_messages(case: Case) -> list[CaseMessage]:
    return list(support_selectors.case_messages(case, include_internal=True))


def record_csat(*, party: Party, rating: int, session_pk: int) -> None:
    """Store a 1-5 chat rating as support's CSAT survey answer (trait and timeline entry)."""
    survey = support_services.send_survey(
        None, SurveyKind.CSAT, party=party, chat_ref=f"chat:{session_pk}", channel="chat"
    )
    if survey.answered_at is None:
        support_services.answer_survey(survey.token, rating)
