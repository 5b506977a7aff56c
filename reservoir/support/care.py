"""Complaint recovery (IN7) and satisfaction surveys (IN8).

Credits and discounts come from the decision service (`decide`), so an agent offers what
every other channel would: the action keeps the offer code and the decision's digest. When
the last planned action of a case is done, a follow-up to-do is created for the agent.
A survey is sent once per case and kind; its answer becomes the party's "csat.last" /
"nps.last" trait and a survey interaction on the timeline.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.decisions.engine import decide
from reservoir.decisions.facts import DecisionContext
from reservoir.iam.models import User
from reservoir.parties import services as party_services
from reservoir.parties.enums import TraitSource
from reservoir.parties.models import Party
from reservoir.support import sla
from reservoir.support.enums import (
    SURVEY_SCALE,
    TIMELINE_CHANNEL,
    RecoveryKind,
    RecoveryStatus,
    SurveyKind,
)
from reservoir.support.events import SurveyAnswered, SurveySent
from reservoir.support.models import Case, RecoveryAction, Survey
from reservoir.support.permissions import require_worker
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Direction, Kind
from reservoir.todos import services as todo_services

# Business hours until each kind of action is due.
DUE_HOURS = {
    RecoveryKind.APOLOGY: 2,
    RecoveryKind.CALLBACK: 4,
    RecoveryKind.CREDIT: 9,
    RecoveryKind.DISCOUNT: 9,
    RecoveryKind.REPLACEMENT: 18,
}


def follow_up_days() -> int:
    return int(getattr(settings, "SUPPORT_RECOVERY_FOLLOW_UP_DAYS", 7))


def _decided_offer(case: Case, by: User | None, kind: str) -> tuple[str, Decimal | None, str]:
    """(offer code, discount %, decision digest) that the decision service gives the party."""
    context = DecisionContext(
        channel=TIMELINE_CHANNEL.get(case.channel, "phone"),
        at=timezone.now(),
        staff_username=getattr(by, "username", ""),
        staff_role=getattr(by, "role", ""),
        intent="complaint_recovery",
    )
    decision = decide(case.party_id, context, actor=by)
    pct = Decimal(decision.discounts[0].pct) if decision.discounts else None
    service = [o for o in decision.offers if o.kind == "service"]
    code = service[0].code if service else ""
    if kind == RecoveryKind.DISCOUNT and pct is not None:
        code = code or f"discount:{pct}"
    return code, pct, decision.outputs_digest


def start_recovery(
    case: Case,
    *,
    by: User,
    kinds: Sequence[str],
    amount: Decimal | None = None,
    note: str = "",
) -> list[RecoveryAction]:
    """Plan recovery actions for a (complaint) case, one per kind.

    Credit and discount ask `decide()` for the party's offer (the decision is logged).
    Side effects: RecoveryAction rows with due times in business hours, audit entry.
    """
    require_worker(by)
    unknown = set(kinds) - set(RecoveryKind.values)
    if not kinds or unknown:
        raise InvalidInput(_("Choose recovery actions from the list."), field="kinds")
    if amount is not None and (amount < 0 or amount >= Decimal("1e10")):
        raise InvalidInput(_("The amount is out of range."), field="amount")
    now = timezone.now()
    created = []
    with transaction.atomic():
        for kind in dict.fromkeys(kinds):
            offer, pct, ref = "", None, ""
            if kind in (RecoveryKind.CREDIT, RecoveryKind.DISCOUNT):
                offer, pct, ref = _decided_offer(case, by, kind)
            action = RecoveryAction.objects.create(
                case=case,
                kind=kind,
                amount=amount if kind == RecoveryKind.CREDIT else None,
                discount_pct=pct if kind == RecoveryKind.DISCOUNT else None,
                offer_code=offer[:100],
                decision_ref=ref,
                note=note.strip(),
                due_at=sla.due_after(case.sla_policy, now, DUE_HOURS[RecoveryKind(kind)]),
                created_by=by,
            )
            created.append(action)
        audit.record(by, "support.recovery.started", case, data={"kinds": list(kinds)})
    return created


def complete_recovery_action(
    action: RecoveryAction, *, by: User, note: str = "", at: dt.datetime | None = None
) -> RecoveryAction:
    """Mark an action done (idempotent). When none is left planned, schedule the follow-up.

    Side effects: audit entry; maybe a follow-up to-do (todos.create_todo) due
    SUPPORT_RECOVERY_FOLLOW_UP_DAYS (7) days later, assigned to the case's agent.
    """
    require_worker(by)
    at = at or timezone.now()
    with transaction.atomic():
        action = RecoveryAction.objects.select_for_update().select_related("case").get(pk=action.pk)
        if action.status == RecoveryStatus.DONE:
            return action
        if action.status == RecoveryStatus.CANCELLED:
            raise Conflict(_("This action was cancelled."))
        action.status, action.done_at, action.done_by = RecoveryStatus.DONE, at, by
        if note.strip():
            action.note = "\n".join(x for x in (action.note, note.strip()) if x)
        case = action.case
        left = RecoveryAction.objects.filter(case=case, status=RecoveryStatus.PLANNED).exclude(
            pk=action.pk
        )
        if not left.exists():
            todo = todo_services.create_todo(
                by=by,
                title=_("Follow up after recovery: %(n)s") % {"n": case.number},
                assignee=case.assignee or by,
                due_at=at + dt.timedelta(days=follow_up_days()),
                party=case.party,
                link=("support", "case", str(case.pk)),
                source="support.recovery",
                notes=case.subject,
            )
            action.follow_up_todo_id = todo.pk
        action.save()
        audit.record(by, "support.recovery.completed", action, data={"case": case.pk})
    return action


def send_survey(
    case: Case | None,
    kind: str,
    *,
    party: Party | None = None,
    chat_ref: str = "",
    channel: str = "email",
    at: dt.datetime | None = None,
) -> Survey:
    """Create a survey (once per case and kind: an unanswered one is returned again).

    For a chat pass `case=None`, the party and `chat_ref`. The mail helper emails the link
    (token) on SurveySent; the portal lists unanswered surveys. Side effects: audit entry.
    """
    if kind not in SurveyKind.values:
        raise InvalidInput(_("Unknown survey kind."), field="kind")
    if channel not in ("email", "portal", "chat"):
        raise InvalidInput(_("Unknown survey channel."), field="channel")
    if case is None and (party is None or not chat_ref):
        raise InvalidInput(_("A survey needs a case, or a customer and a chat."))
    party_id = case.party_id if case is not None else party.pk  # type: ignore[union-attr]
    with transaction.atomic():
        existing = Survey.objects.filter(kind=kind, party_id=party_id)
        existing = (
            existing.filter(case=case) if case is not None else existing.filter(chat_ref=chat_ref)
        )
        found = existing.first()
        if found is not None:
            return found
        survey = Survey.objects.create(
            case=case,
            chat_ref=chat_ref[:100],
            party_id=party_id,
            kind=kind,
            token=secrets.token_urlsafe(32),
            channel=channel,
            sent_at=at or timezone.now(),
        )
        audit.record(None, "support.survey.sent", survey, data={"case": getattr(case, "pk", None)})
        events.publish(
            SurveySent(
                survey_id=survey.pk,
                party_id=party_id,
                case_id=getattr(case, "pk", None),
                kind=kind,
                channel=channel,
            )
        )
    return survey


def answer_survey(
    token: str,
    score: int,
    comment: str = "",
    *,
    at: dt.datetime | None = None,
    channel: str | None = None,
) -> Survey:
    """Store the customer's answer (once). The token is the only credential (email link).

    `channel` (email, portal, chat) says where it was answered; default: where it was sent.

    Side effects: trait "csat.last" / "nps.last" on the party, a survey interaction on the
    timeline, audit entry; SurveyAnswered after commit.
    """
    at = at or timezone.now()
    if not token or len(token) > 64:
        raise NotFound(_("This survey link is not valid."))
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("case", "party")
            .filter(token=token)
            .first()
        )
        if survey is None:
            raise NotFound(_("This survey link is not valid."))
        if survey.answered_at is not None:
            raise Conflict(_("Thank you — this survey was already answered."), code="answered")
        low, high = SURVEY_SCALE[survey.kind]
        if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            raise InvalidInput(
                _("Give a score from %(a)s to %(b)s.") % {"a": low, "b": high}, field="score"
            )
        comment = (comment or "").strip()
        if len(comment) > 5000:
            raise InvalidInput(_("The comment is too long (5000 characters at most)."))
        if channel is not None:
            if channel not in ("email", "portal", "chat"):
                raise InvalidInput(_("Unknown survey channel."), field="channel")
            survey.channel = channel
        survey.score, survey.comment, survey.answered_at = score, comment, at
        case = survey.case
        link = (
            {"app": "support", "model": "case", "pk": str(case.pk), "label": case.number or ""}
            if case is not None
            else {}
        )
        interaction, _new = timeline.record_interaction(
            timeline.InteractionInput(
                channel=survey.channel,
                direction=Direction.INBOUND,
                party_id=survey.party_id,
                kind=Kind.SURVEY,
                occurred_at=at,
                subject=f"{survey.kind.upper()} {score}/{high}",
                body=comment,
                link=link,
                source="support",
                external_id=f"survey:{survey.pk}",
            ),
            by=None,
        )
        survey.interaction_id = interaction.pk
        survey.save()
        party_services.set_trait(
            survey.party,
            key=f"{survey.kind}.last",
            value=score,
            source=TraitSource.CONTACT,
            by=None,
            computed_at=at,
        )
        audit.record(None, "support.survey.answered", survey, data={"score": score})
        events.publish(
            SurveyAnswered(
                survey_id=survey.pk, party_id=survey.party_id, kind=survey.kind, score=score
            )
        )
    return survey
