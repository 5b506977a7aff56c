"""Reading cases, always filtered: staff see cases of customers they may see plus the cases
assigned to them or their teams; a customer (portal) sees only their own party's cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.iam.enums import Scope
from reservoir.iam.models import User
from reservoir.iam.visibility import scope_for, visible_q, visible_team_ids
from reservoir.parties.enums import PartyStatus
from reservoir.support.enums import ACTIVE_STATUSES, CaseType, MessageVisibility
from reservoir.support.models import Attachment, Case, CaseMessage, RecoveryAction, Survey
from reservoir.support.sla import Timer
from reservoir.support.sla import sla_state as _sla_state

__all__ = [
    "CaseFilters",
    "Timer",
    "case_for_email",
    "case_messages",
    "for_user",
    "get_attachment",
    "get_case",
    "get_customer_attachment",
    "get_customer_case",
    "has_open_complaint",
    "list_cases",
    "list_customer_cases",
    "open_cases_for_party",
    "recovery_actions",
    "sla_state",
    "surveys_for_party",
]


def for_user(user: User) -> QuerySet[Case]:
    """Cases `user` may see: of visible customers, or assigned to them or their teams."""
    scope = scope_for(user)
    if not scope:
        return Case.objects.none()
    if scope == Scope.ALL:
        return Case.objects.all()
    q = visible_q(user, prefix="party__") | Q(assignee_id=user.pk)
    teams = visible_team_ids(user)
    if teams:
        q |= Q(team_id__in=sorted(teams))
    return Case.objects.filter(q)


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""  # a status, or "active" / "done"
    type: str = ""
    priority: str = ""
    channel: str = ""
    party_id: int | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    unassigned: bool = False
    breached: bool | None = None
    search: str = ""
    category: str = ""


def list_cases(*, actor: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Visible cases matching `filters`, newest first (merged duplicates left out)."""
    f = filters or CaseFilters()
    qs = for_user(actor).filter(merged_into__isnull=True)
    qs = qs.select_related("party", "assignee", "team", "product", "sla_policy")
    if f.status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif f.status == "done":
        qs = qs.exclude(status__in=ACTIVE_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    for name in ("type", "priority", "channel", "category"):
        value = getattr(f, name)
        if value:
            qs = qs.filter(**{name: value})
    if f.party_id:
        qs = qs.filter(party_id=f.party_id)
    if f.assignee_id:
        qs = qs.filter(assignee_id=f.assignee_id)
    if f.team_id:
        qs = qs.filter(team_id=f.team_id)
    if f.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if f.breached is not None:
        flags = (
            Q(first_response_breached=True)
            | Q(next_response_breached=True)
            | Q(resolution_breached=True)
        )
        qs = qs.filter(flags) if f.breached else qs.exclude(flags)
    if f.search:
        text = f.search.strip()
        qs = qs.filter(
            Q(number__iexact=text)
            | Q(subject__icontains=text)
            | Q(party__display_name__icontains=text)
        )
    return qs.order_by("-opened_at", "-id")


def get_case(*, actor: User, case_id: int) -> Case:
    """One visible case (NotFound when missing or invisible: the two look the same)."""
    case = (
        for_user(actor)
        .select_related("party", "assignee", "team", "product", "sla_policy", "merged_into")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


def get_case_by_number(*, actor: User, number: str) -> Case:
    case = for_user(actor).filter(number=number.strip().upper()).first()
    if case is None:
        raise NotFound(_("No case %(n)s.") % {"n": number})
    return case


def case_messages(case: Case, *, include_internal: bool) -> QuerySet[CaseMessage]:
    """The case's messages in order, with authors and attachments (2 queries)."""
    qs = case.messages.select_related("author").prefetch_related("attachments")
    if not include_internal:
        qs = qs.filter(visibility=MessageVisibility.PUBLIC)
    return qs.order_by("created_at", "id")


def case_for_email(message_ids: Sequence[str]) -> Case | None:
    """The case a reply belongs to, from its In-Reply-To / References ids (system level).

    The newest stored message among `message_ids` wins; a merged case leads to its survivor.
    """
    ids = [m.strip() for m in message_ids if m and m.strip()][:100]
    if not ids:
        return None
    message = (
        CaseMessage.objects.filter(message_id__in=ids)
        .select_related("case")
        .order_by("-created_at", "-id")
        .first()
    )
    if message is None:
        return None
    case = message.case
    for _step in range(20):
        if not case.merged_into_id:
            break
        case = Case.objects.get(pk=case.merged_into_id)
    return case


def get_attachment(*, actor: User, attachment_id: int) -> Attachment:
    """An attachment of a case the staff member may see (internal notes' files included)."""
    att = (
        Attachment.objects.filter(pk=attachment_id, case__in=for_user(actor))
        .select_related("message", "case")
        .first()
    )
    if att is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return att


# --- the customer's own view (portal, customer API): party id from the session only ---


def list_customer_cases(*, party_id: int) -> QuerySet[Case]:
    """The customer's own cases (not merged duplicates), newest first."""
    return (
        Case.objects.filter(party_id=party_id, merged_into__isnull=True)
        .select_related("product")
        .order_by("-opened_at", "-id")
    )


def get_customer_case(*, party_id: int, case_id: int) -> Case:
    """One of the customer's own cases; any other id is NotFound (never another's case)."""
    case = Case.objects.filter(pk=case_id, party_id=party_id).select_related("product").first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


def get_customer_attachment(*, party_id: int, attachment_id: int) -> Attachment:
    """A file on a customer-visible message of the customer's own case, else NotFound."""
    att = (
        Attachment.objects.filter(
            pk=attachment_id,
            case__party_id=party_id,
            message__visibility=MessageVisibility.PUBLIC,
        )
        .select_related("case")
        .first()
    )
    if att is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return att


def open_cases_for_party(party_id: int) -> QuerySet[Case]:
    """Active cases of a party (system level: for the agent desk, chat and email routing)."""
    return Case.objects.filter(
        party_id=party_id, status__in=ACTIVE_STATUSES, merged_into__isnull=True
    ).order_by("-opened_at", "-id")


def has_open_complaint(party_id: int) -> bool:
    return (
        Case.objects.filter(party_id=party_id, type=CaseType.COMPLAINT, status__in=ACTIVE_STATUSES)
        .exclude(party__status=PartyStatus.MERGED)
        .exists()
    )


def sla_state(case: Case, now: dt.datetime | None = None) -> list[Timer]:
    """The SLA timers of a case (first response, next response, resolution) for the UI."""
    return _sla_state(case, now)


def recovery_actions(case: Case) -> QuerySet[RecoveryAction]:
    return case.recovery_actions.select_related("done_by").order_by("created_at", "id")


def surveys_for_party(party_id: int) -> QuerySet[Survey]:
    return Survey.objects.filter(party_id=party_id).order_by("-sent_at", "-id")


def unanswered_surveys(*, party_id: int) -> QuerySet[Survey]:
    """The customer's open surveys (portal)."""
    return Survey.objects.filter(party_id=party_id, answered_at__isnull=True).order_by("-sent_at")


def get_survey_by_token(token: str) -> Survey:
    survey = (
        Survey.objects.filter(token=token).select_related("case").first()
        if token and len(token) <= 64
        else None
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey
