"""Writing cases: open, reply or note, change status, assign, merge, resolve. All audited.

Every message is also an interaction on the customer's timeline (one conversation per case).
SLA due times come from `support.sla`; recovery and surveys live in `support.care`, upload
checks in `support.uploads`, automatic assignment in `support.assignment` -- re-exported
here so that other apps need one module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import Conflict, InvalidInput
from reservoir.iam.models import Team, User
from reservoir.parties.models import Party
from reservoir.sales.models import Product
from reservoir.support import sla
from reservoir.support.assignment import auto_assign
from reservoir.support.care import (
    answer_survey,
    complete_recovery_action,
    send_survey,
    start_recovery,
)
from reservoir.support.enums import (
    PRIORITY_RANK,
    TIMELINE_CHANNEL,
    TRANSITIONS,
    CaseChannel,
    CasePriority,
    CaseStatus,
    CaseType,
    MessageAuthor,
    MessageVisibility,
)
from reservoir.support.events import (
    CaseAssigned,
    CaseMessageAdded,
    CaseOpened,
    CaseResolved,
    CasesMerged,
    CaseStatusChanged,
)
from reservoir.support.messages import check_email, check_kinds, store_message
from reservoir.support.models import Case, CaseMessage
from reservoir.support.permissions import can_work_cases, require_worker
from reservoir.support.sla import check_sla, ensure_default_policies
from reservoir.support.types import EmailMeta
from reservoir.support.uploads import validate_upload, validate_uploads
from reservoir.timeline import services as timeline

__all__ = [
    "EmailMeta",
    "add_message",
    "answer_survey",
    "assign_case",
    "auto_assign",
    "can_work_cases",
    "change_status",
    "check_sla",
    "complete_recovery_action",
    "ensure_default_policies",
    "merge_cases",
    "open_case",
    "resolve_case",
    "send_survey",
    "start_recovery",
    "update_case",
    "validate_upload",
]

FIELDS = ("subject", "type", "priority", "category", "product_id", "region", "status")


def _check_fields(*, subject: str, case_type: str, priority: str, channel: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > 255:
        raise InvalidInput(_("A subject is required (255 characters at most)."), field="subject")
    if case_type not in CaseType.values:
        raise InvalidInput(_("Unknown case type."), field="type")
    if priority not in CasePriority.values:
        raise InvalidInput(_("Unknown priority."), field="priority")
    if channel not in CaseChannel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    return subject


def _fast_track(case_type: str, priority: str) -> str:
    """Complaints are never below high priority (IN7: fast track)."""
    if case_type == CaseType.COMPLAINT and PRIORITY_RANK[priority] < PRIORITY_RANK["high"]:
        return CasePriority.HIGH
    return priority


def open_case(
    *,
    party: Party,
    subject: str,
    body: str,
    channel: str,
    by: User | None,
    type: str = CaseType.QUESTION,  # noqa: A002 - the issue's name for it
    priority: str = CasePriority.NORMAL,
    category: str = "",
    product: Product | None = None,
    attachments: Sequence[Any] = (),
    email: EmailMeta | None = None,
    region: str = "",
    opened_at: dt.datetime | None = None,
    author_kind: str = MessageAuthor.CUSTOMER,
    assign: bool = True,
) -> Case:
    """Open a case with its first message (the customer's words, maybe typed by `by`).

    `by` None means the customer themself (portal, email, chat). Side effects: a timeline
    conversation and interaction, attachments stored, SLA due times, automatic assignment
    (unless `assign` is False), audit entries; CaseOpened (and CaseAssigned) after commit.
    """
    subject = _check_fields(subject=subject, case_type=type, priority=priority, channel=channel)
    check_kinds(author_kind=author_kind, visibility=MessageVisibility.PUBLIC, channel=channel)
    if len(category) > 100 or len(region) > 100:
        raise InvalidInput(_("Category and region take 100 characters at most."), field="category")
    files = validate_uploads(attachments)
    check_email(email)
    at = opened_at or timezone.now()
    with transaction.atomic():
        conversation = timeline.open_conversation(
            party, channel=TIMELINE_CHANNEL[channel], subject=subject, by=by, started_at=at
        )
        case = Case(
            party=party,
            subject=subject,
            type=type,
            priority=_fast_track(type, priority),
            status=CaseStatus.NEW,
            category=category.strip(),
            product=product,
            channel=channel,
            region=region.strip(),
            opened_at=at,
            last_customer_message_at=at if author_kind == MessageAuthor.CUSTOMER else None,
            conversation=conversation,
            created_by=by,
        )
        sla.apply_sla(case)
        case.save()
        case.number = f"C-{case.pk:06d}"
        case.save(update_fields=["number"])
        message = store_message(
            case,
            body=body,
            by=by,
            author_kind=author_kind,
            visibility=MessageVisibility.PUBLIC,
            channel=channel,
            at=at,
            files=files,
            email=email,
        )
        audit.record(
            by,
            "support.case.opened",
            case,
            data={"party": party.pk, "type": case.type, "channel": channel},
        )
        events.publish(
            CaseOpened(
                case_id=case.pk,
                party_id=party.pk,
                case_type=case.type,
                priority=case.priority,
                channel=channel,
            )
        )
        events.publish(
            CaseMessageAdded(
                case_id=case.pk,
                message_id=message.pk,
                party_id=party.pk,
                author_kind=author_kind,
                visibility=MessageVisibility.PUBLIC,
                channel=channel,
            )
        )
        if assign:
            auto_assign(case)
            case.refresh_from_db()
    return case


def _survivor(case: Case) -> Case:
    seen = 0
    while case.merged_into_id and seen < 20:
        case = Case.objects.get(pk=case.merged_into_id)
        seen += 1
    return case


def add_message(
    case: Case,
    *,
    body: str,
    by: User | None,
    author_kind: str,
    channel: str,
    visibility: str = MessageVisibility.PUBLIC,
    attachments: Sequence[Any] = (),
    email: EmailMeta | None = None,
    at: dt.datetime | None = None,
) -> CaseMessage:
    """Add a customer message, a customer-visible reply or an internal note.

    A message to a merged case lands on the case it was merged into. A public agent reply
    sets the first response (or ends the next-response clock) and marks the customer's
    messages answered; a customer message reopens a pending or resolved case (resuming the
    SLA clocks paused while it waited for the customer) and starts the next-response clock.
    Side effects: attachments, a timeline interaction, audit entries; CaseMessageAdded after
    commit (mail sends public agent replies, realtime pushes).
    """
    check_kinds(author_kind=author_kind, visibility=visibility, channel=channel)
    files = validate_uploads(attachments)
    check_email(email)
    at = at or timezone.now()
    with transaction.atomic():
        target = _survivor(case)
        locked = Case.objects.select_for_update(of=("self",)).select_related("sla_policy")
        case = locked.get(pk=target.pk)
        public = visibility == MessageVisibility.PUBLIC
        if case.status == CaseStatus.CLOSED and public:
            raise Conflict(
                _("Case %(n)s is closed; open a new case.") % {"n": case.number}, code="closed"
            )
        message = store_message(
            case,
            body=body,
            by=by,
            author_kind=author_kind,
            visibility=visibility,
            channel=channel,
            at=at,
            files=files,
            email=email,
        )
        old_status = case.status
        if author_kind == MessageAuthor.CUSTOMER:
            _on_customer_message(case, at, by)
        elif public and author_kind in (MessageAuthor.AGENT, MessageAuthor.BOT):
            _on_public_reply(case, at)
        case.save()
        audit.record(
            by,
            "support.case.message_added",
            case,
            data={"message": message.pk, "visibility": visibility, "author": author_kind},
        )
        events.publish(
            CaseMessageAdded(
                case_id=case.pk,
                message_id=message.pk,
                party_id=case.party_id,
                author_kind=author_kind,
                visibility=visibility,
                channel=channel,
            )
        )
        if case.status != old_status:
            events.publish(
                CaseStatusChanged(
                    case_id=case.pk, party_id=case.party_id, old=old_status, new=case.status
                )
            )
    return message


def _on_customer_message(case: Case, at: dt.datetime, by: User | None) -> None:
    case.last_customer_message_at = at
    if case.status == CaseStatus.RESOLVED:
        case.reopened_count += 1
        case.resolved_at = None
        case.first_contact_resolution = None
        case.status = CaseStatus.OPEN
    elif case.status == CaseStatus.PENDING_CUSTOMER:
        case.status = CaseStatus.OPEN
    # Resume before starting next response: only a clock that was running gets moved out.
    sla.sync_pause(case, at, by=by)
    if case.first_response_at is not None:
        sla.start_next_response(case, at)


def _on_public_reply(case: Case, at: dt.datetime) -> None:
    if case.first_response_at is None:
        case.first_response_at = at
    case.next_response_due = None
    case.last_agent_reply_at = at
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.OPEN
    CaseMessage.objects.filter(
        case=case, author_kind=MessageAuthor.CUSTOMER, answered_at__isnull=True
    ).update(answered_at=at)


def _first_contact(case: Case) -> bool:
    """Resolved at the first contact: one customer message, never reopened, never escalated."""
    customer_messages = case.messages.filter(author_kind=MessageAuthor.CUSTOMER).count()
    return case.reopened_count == 0 and customer_messages <= 1 and case.escalation_level == 0


def change_status(
    case: Case, status: str, *, by: User | None, at: dt.datetime | None = None
) -> Case:
    """Move a case along the workflow (see enums.TRANSITIONS); same status is a no-op.

    Waiting for the customer pauses the resolution and next-response clocks; leaving that
    status resumes them, due times moved out by the business time paused (`sla.sync_pause`).
    Side effects: resolved/closed times, audit entries; CaseStatusChanged (and CaseResolved)
    after commit.
    """
    if status not in CaseStatus.values:
        raise InvalidInput(_("Unknown status."), field="status")
    at = at or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("sla_policy")
        case = locked.get(pk=case.pk)
        old = case.status
        if status == old:
            return case
        if status not in TRANSITIONS[old]:
            raise Conflict(
                _("A case cannot go from “%(a)s” to “%(b)s”.")
                % {"a": CaseStatus(old).label, "b": CaseStatus(status).label},
                field="status",
            )
        case.status = status
        if status == CaseStatus.RESOLVED:
            case.resolved_at = at
            case.next_response_due = None
            if case.first_contact_resolution is None:
                case.first_contact_resolution = _first_contact(case)
        elif status == CaseStatus.CLOSED:
            case.closed_at = at
            case.next_response_due = None
            if case.resolved_at is None:
                case.resolved_at = at
        elif old == CaseStatus.RESOLVED:
            case.resolved_at = None
            case.first_contact_resolution = None
            case.reopened_count += 1
        sla.sync_pause(case, at, by=by)
        case.save()
        audit.record(by, "support.case.status_changed", case, {"status": [old, status]})
        events.publish(
            CaseStatusChanged(case_id=case.pk, party_id=case.party_id, old=old, new=status)
        )
        if status == CaseStatus.RESOLVED:
            events.publish(
                CaseResolved(
                    case_id=case.pk,
                    party_id=case.party_id,
                    case_type=case.type,
                    first_contact=bool(case.first_contact_resolution),
                )
            )
    return case


def resolve_case(
    case: Case, *, by: User | None, first_contact: bool | None = None, note: str = ""
) -> Case:
    """Resolve a case; `first_contact` overrides the computed first-contact resolution.

    Side effects: an optional internal note, then as `change_status`.
    """
    with transaction.atomic():
        if note.strip():
            add_message(
                case,
                body=note,
                by=by,
                author_kind=MessageAuthor.AGENT,
                channel=CaseChannel.STAFF,
                visibility=MessageVisibility.INTERNAL,
            )
        if first_contact is not None:
            Case.objects.filter(pk=case.pk).update(first_contact_resolution=first_contact)
        return change_status(case, CaseStatus.RESOLVED, by=by)


def assign_case(
    case: Case, *, by: User | None, user: User | None = None, team: Team | None = None
) -> Case:
    """Give a case to an agent (and their team) or to a team's queue; None/None unassigns.

    Side effects: audit entry; CaseAssigned after commit.
    """
    if by is not None:
        require_worker(by)
    if user is not None and not user.is_active:
        raise InvalidInput(_("This user is not active."), field="assignee_id")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        before = (case.assignee_id, case.team_id)
        case.assignee = user
        case.team = team if team is not None else (user.team if user is not None else None)
        if case.status == CaseStatus.NEW and user is not None:
            case.status = CaseStatus.OPEN
        case.save()
        after = (case.assignee_id, case.team_id)
        if before != after:
            audit.record(
                by,
                "support.case.assigned",
                case,
                {"assignee": [before[0], after[0]], "team": [before[1], after[1]]},
            )
            events.publish(
                CaseAssigned(
                    case_id=case.pk,
                    party_id=case.party_id,
                    assignee_id=case.assignee_id,
                    team_id=case.team_id,
                )
            )
    return case


def update_case(case: Case, *, by: User | None, **fields: Any) -> Case:
    """Change subject, type, priority, category, product or region.

    A new type or priority re-chooses the SLA policy and due times (from the opening time,
    plus the time paused waiting for the customer; a new policy that does not pause resumes
    the clocks). Side effects: audit entries (the diff; a pause or resume).
    """
    allowed = {"subject", "type", "priority", "category", "product", "region"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        before = audit.snapshot(case, FIELDS)
        for name, value in fields.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case.subject = _check_fields(
            subject=case.subject, case_type=case.type, priority=case.priority, channel=case.channel
        )
        case.priority = _fast_track(case.type, case.priority)
        if len(case.category) > 100 or len(case.region) > 100:
            raise InvalidInput(_("Category and region take 100 characters at most."))
        if (before["type"], before["priority"]) != (case.type, case.priority):
            sla.apply_sla(case)
            sla.sync_pause(case, timezone.now(), by=by)
        case.save()
        changes = audit.diff(before, audit.snapshot(case, FIELDS))
        if changes:
            audit.record(by, "support.case.updated", case, changes)
    return case


def merge_cases(duplicate: Case, into: Case, *, by: User) -> Case:
    """Merge a duplicate case into another case of the same customer.

    Messages, attachments, recovery actions and surveys move to `into`; the duplicate is
    closed and points at `into`. Side effects: an internal note on both, audit entries;
    CasesMerged after commit.
    """
    require_worker(by)
    if duplicate.pk == into.pk:
        raise InvalidInput(_("A case cannot be merged into itself."), field="into")
    if duplicate.party_id != into.party_id:
        raise InvalidInput(_("Only cases of the same customer can be merged."), field="into")
    if into.merged_into_id or duplicate.merged_into_id:
        raise Conflict(_("One of these cases was already merged."))
    now = timezone.now()
    with transaction.atomic():
        dup = Case.objects.select_for_update(of=("self",)).get(pk=duplicate.pk)
        survivor = Case.objects.select_for_update(of=("self",)).get(pk=into.pk)
        dup.messages.update(case=survivor)
        dup.attachments.update(case=survivor)
        dup.recovery_actions.update(case=survivor)
        dup.surveys.update(case=survivor)
        old = dup.status
        dup.merged_into = survivor
        dup.status = CaseStatus.CLOSED
        dup.closed_at = now
        dup.next_response_due = None
        sla.sync_pause(dup, now, by=by)
        dup.save()
        if dup.last_customer_message_at and (
            survivor.last_customer_message_at is None
            or dup.last_customer_message_at > survivor.last_customer_message_at
        ):
            survivor.last_customer_message_at = dup.last_customer_message_at
            survivor.save(update_fields=["last_customer_message_at", "updated_at"])
        for noted in (dup, survivor):
            store_message(
                noted,
                body=_("Case %(a)s was merged into %(b)s.")
                % {"a": dup.number, "b": survivor.number},
                by=by,
                author_kind=MessageAuthor.SYSTEM,
                visibility=MessageVisibility.INTERNAL,
                channel=CaseChannel.STAFF,
                at=now,
            )
        audit.record(by, "support.case.merged", dup, data={"into": survivor.pk})
        audit.record(by, "support.case.absorbed", survivor, data={"duplicate": dup.pk})
        events.publish(
            CaseStatusChanged(case_id=dup.pk, party_id=dup.party_id, old=old, new=dup.status)
        )
        events.publish(CasesMerged(duplicate_id=dup.pk, into_id=survivor.pk))
    return survivor
