"""Cases: opening, messages on the timeline, status workflow, assignment, merge."""

import datetime as dt

import pytest

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import Conflict, InvalidInput, PermissionDenied
from reservoir.decisions.engine import decide
from reservoir.decisions.facts import DecisionContext
from reservoir.iam.tests.factories import TeamFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.tests.factories import ProductFactory
from reservoir.support import selectors, services
from reservoir.support.enums import CaseStatus, CaseType, MessageVisibility
from reservoir.support.events import CaseMessageAdded, CaseOpened
from reservoir.support.models import Case, CaseMessage
from reservoir.support.tests.factories import AgentProfileFactory
from reservoir.support.types import EmailMeta
from reservoir.timeline.models import Conversation, Interaction

pytestmark = pytest.mark.django_db


def _open(party=None, **kw):
    defaults = {
        "party": party or PartyFactory(),
        "subject": "Router keeps rebooting",
        "body": "Since the update it reboots every hour.",
        "channel": "email",
        "by": None,
    }
    return services.open_case(**{**defaults, **kw})


def test_open_case_records_first_message_on_the_timeline(
    django_capture_on_commit_callbacks, published
):
    party = PartyFactory()
    received = published(CaseOpened)

    with django_capture_on_commit_callbacks(execute=True):
        case = _open(party, email=EmailMeta(message_id="<a1@example.com>", email_from="a@x.cn"))

    message = CaseMessage.objects.get()
    interaction = Interaction.objects.get()
    assert case.number == f"C-{case.pk:06d}"
    assert case.status == CaseStatus.NEW
    assert (message.author_kind, message.visibility, message.message_id) == (
        "customer",
        "public",
        "<a1@example.com>",
    )
    assert message.body == "<p>Since the update it reboots every hour.</p>"
    assert message.interaction_id == interaction.pk
    assert (interaction.channel, interaction.direction, interaction.party_id) == (
        "email",
        "inbound",
        party.pk,
    )
    assert (interaction.link_app, interaction.link_model, interaction.link_pk) == (
        "support",
        "case",
        str(case.pk),
    )
    assert interaction.conversation_id == case.conversation_id == Conversation.objects.get().pk
    assert [e.case_id for e in received] == [case.pk]


def test_same_email_is_not_stored_twice():
    case = _open(email=EmailMeta(message_id="<dup@example.com>"))

    with pytest.raises(Conflict):
        services.add_message(
            case,
            body="again",
            by=None,
            author_kind="customer",
            channel="email",
            email=EmailMeta(message_id="<dup@example.com>"),
        )

    assert CaseMessage.objects.count() == 1


def test_message_body_is_cleaned_of_scripts():
    case = _open()

    msg = services.add_message(
        case,
        body='<p onclick="x()">Hi<script>alert(1)</script></p>',
        by=None,
        author_kind="customer",
        channel="portal",
    )

    assert msg.body == "<p>Hi</p>"
    assert msg.body_text == "Hi"


def test_public_reply_sets_first_response_and_internal_note_does_not(rep_a):
    case = _open()
    at = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)

    services.add_message(
        case, body="Checking", by=rep_a, author_kind="agent", channel="staff",
        visibility=MessageVisibility.INTERNAL, at=at,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.first_response_at is None

    services.add_message(case, body="We are on it", by=rep_a, author_kind="agent",
                         channel="email", at=at)  # fmt: skip
    case.refresh_from_db()
    first = CaseMessage.objects.filter(author_kind="customer").get()
    assert case.first_response_at == at
    assert case.status == CaseStatus.OPEN
    assert first.answered_at == at
    note = Interaction.objects.get(kind="note")
    assert (note.direction, note.staff_id) == ("internal", rep_a.pk)


def test_customer_message_reopens_a_resolved_case(rep_a):
    case = _open()
    services.resolve_case(case, by=rep_a)

    services.add_message(case, body="Still broken", by=None, author_kind="customer",
                         channel="portal")  # fmt: skip

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert (case.reopened_count, case.resolved_at, case.first_contact_resolution) == (
        0 + 1,
        None,
        None,
    )


def test_status_workflow_refuses_a_closed_case_reopening(rep_a):
    case = _open()
    services.change_status(case, CaseStatus.CLOSED, by=rep_a)

    with pytest.raises(Conflict):
        services.change_status(case, CaseStatus.OPEN, by=rep_a)
    with pytest.raises(Conflict):
        services.add_message(case, body="hello?", by=None, author_kind="customer", channel="portal")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert CaseMessage.objects.count() == 1


def test_resolving_at_first_contact_counts_as_fcr(rep_a):
    case = _open()
    services.add_message(case, body="Fixed: reset it.", by=rep_a, author_kind="agent",
                         channel="email")  # fmt: skip

    case = services.resolve_case(case, by=rep_a)

    assert case.first_contact_resolution is True
    assert case.resolved_at is not None


def test_customer_cannot_write_internal_notes():
    case = _open()

    with pytest.raises(InvalidInput):
        services.add_message(case, body="x", by=None, author_kind="customer", channel="portal",
                             visibility=MessageVisibility.INTERNAL)  # fmt: skip

    assert CaseMessage.objects.count() == 1


def test_auto_assign_picks_skilled_agent_in_region_with_room():
    team = TeamFactory()
    washer = ProductFactory(sku="WM-8")
    AgentProfileFactory(user__team=team, skills=["repair"], regions=["北京"])
    shanghai = AgentProfileFactory(user__team=team, skills=["repair", "wm-8"], regions=["上海"])
    AgentProfileFactory(user__team=team, skills=["question"], regions=[])
    busy = AgentProfileFactory(user__team=team, skills=["repair", "WM-8"], regions=["上海"],
                               capacity=0)  # fmt: skip

    case = _open(type=CaseType.REPAIR, product=washer, region="上海")

    assert case.assignee_id == shanghai.user_id
    assert case.team_id == team.pk
    assert busy.user_id != case.assignee_id


def test_auto_assign_prefers_the_least_loaded_agent():
    a = AgentProfileFactory(skills=["question"], capacity=5)
    b = AgentProfileFactory(skills=["question"], capacity=5)
    first = _open()
    second = _open()

    assert {first.assignee_id, second.assignee_id} == {a.user_id, b.user_id}


def test_case_stays_in_queue_when_no_agent_fits():
    AgentProfileFactory(available=False)

    case = _open()

    assert case.assignee_id is None


def test_assign_requires_service_staff(rep_a, admin_user):
    case = _open()

    with pytest.raises(PermissionDenied):
        services.assign_case(case, by=rep_a, user=rep_a)
    case = services.assign_case(case, by=admin_user, user=rep_a)

    assert (case.assignee_id, case.team_id, case.status) == (rep_a.pk, rep_a.team_id, "open")


def test_merge_moves_messages_and_closes_the_duplicate(admin_user):
    party = PartyFactory()
    keep = _open(party)
    dup = _open(party, subject="Router again")

    survivor = services.merge_cases(dup, keep, by=admin_user)

    dup.refresh_from_db()
    assert survivor.pk == keep.pk
    assert (dup.status, dup.merged_into_id) == (CaseStatus.CLOSED, keep.pk)
    assert keep.messages.filter(author_kind="customer").count() == 2
    assert dup.messages.get().author_kind == "system"
    msg = services.add_message(dup, body="more", by=None, author_kind="customer", channel="email")
    assert msg.case_id == keep.pk
    assert AuditEntry.objects.filter(action="support.case.merged").count() == 1


def test_merge_refuses_cases_of_different_customers(admin_user):
    with pytest.raises(InvalidInput):
        services.merge_cases(_open(), _open(), by=admin_user)

    assert Case.objects.filter(merged_into__isnull=False).count() == 0


def test_open_complaint_is_a_decision_fact_that_suppresses_sales(rep_a):
    party = PartyFactory()
    ctx = DecisionContext(channel="phone", at=dt.datetime(2026, 3, 16, tzinfo=dt.UTC))
    assert selectors.has_open_complaint(party.pk) is False

    case = _open(party, type=CaseType.COMPLAINT)
    decision = decide(party.pk, ctx, log=False)
    assert decision.facts["customer.has_open_complaint"] is True
    assert "sales" in decision.suppressed_kinds

    services.resolve_case(case, by=rep_a)
    assert decide(party.pk, ctx, log=False).facts["customer.has_open_complaint"] is False


def test_message_added_event_carries_visibility(
    django_capture_on_commit_callbacks, published, rep_a
):
    case = _open()
    seen = published(CaseMessageAdded)

    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(case, body="note", by=rep_a, author_kind="agent", channel="staff",
                             visibility=MessageVisibility.INTERNAL)  # fmt: skip

    assert [(e.case_id, e.visibility, e.author_kind) for e in seen] == [
        (case.pk, "internal", "agent")
    ]


def test_reply_email_finds_its_case_through_references(admin_user):
    party = PartyFactory()
    keep = _open(party, email=EmailMeta(message_id="<first@x.cn>"))
    dup = _open(party, email=EmailMeta(message_id="<second@x.cn>"))
    services.merge_cases(dup, keep, by=admin_user)

    found = selectors.case_for_email(["<unknown@x.cn>", "<second@x.cn>"])

    assert found == keep
    assert selectors.case_for_email(["<nothing@x.cn>"]) is None
    assert selectors.case_for_email([]) is None
