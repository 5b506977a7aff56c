"""The case page: reply versus internal note, status buttons, resolve with a survey, assign,
merge, recovery, attachments behind visibility, the KB picker and the customer column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.enums import MessageVisibility
from reservoir.support.models import Attachment, Case, RecoveryAction, Survey
from reservoir.support.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _case(party=None, subject="Printer offline", **kw):
    kw.setdefault("assign", False)
    return services.open_case(
        party=party or PartyFactory(display_name="Li Na"),
        subject=subject,
        body="It drops off the Wi-Fi.",
        channel=kw.pop("channel", "portal"),
        by=None,
        **kw,
    )


@pytest.fixture
def agent(client):
    user = AgentFactory()
    client.force_login(user)
    return user


def test_case_page_shows_thread_timers_transitions_and_customer_context(client, agent):
    case = _case()

    response = client.get(reverse("support:case_detail", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "It drops off the Wi-Fi." in html
    assert [t.target for t in response.context["timers"]] == [
        "first_response",
        "next_response",
        "resolution",
    ]
    assert [v for v, _l in response.context["transitions"]] == [
        "open",
        "pending_customer",
        "pending_internal",
        "closed",
    ]
    assert response.context["can_resolve"] is True
    assert response.context["ctx"].decision is not None
    assert 'id="ctx-offers"' in html and 'id="ctx-timeline"' in html


def test_case_page_is_404_when_the_case_is_not_visible(client):
    team_a, team_b = TeamFactory(), TeamFactory()
    manager = UserFactory(role=Role.MANAGER, team=team_a)
    team_a.managers.add(manager)
    owner = UserFactory(role=Role.SALES_REP, team=team_b)
    case = _case(PartyFactory(owner=owner))
    client.force_login(manager)

    response = client.get(reverse("support:case_detail", args=[case.pk]))

    assert response.status_code == 404


def test_public_reply_and_internal_note_are_stored_and_shown_differently(client, agent):
    case = _case()

    client.post(
        reverse("support:case_reply", args=[case.pk]),
        {"body": "See https://help.example/x", "visibility": "public"},
    )
    client.post(
        reverse("support:case_reply", args=[case.pk]),
        {"body": "Customer sounds upset", "visibility": "internal"},
    )
    page = client.get(reverse("support:case_detail", args=[case.pk])).content.decode()

    public, note = case.messages.filter(author_kind="agent").order_by("id")
    assert (public.visibility, note.visibility) == ("public", "internal")
    assert '<a href="https://help.example/x" rel="noopener noreferrer">' in public.body
    assert public.channel == "portal" and note.channel == "staff"
    case.refresh_from_db()
    assert case.first_response_at is not None and case.status == "open"
    assert page.count("msg-internal") == 1


def test_empty_reply_is_a_form_error_and_stores_nothing(client, agent):
    case = _case()

    response = client.post(reverse("support:case_reply", args=[case.pk]), {"body": ""})

    assert response.status_code == 422
    assert "body" in response.context["reply_form"].errors
    assert case.messages.count() == 1


def test_reply_with_attachment_downloads_for_staff_who_see_the_case(client, agent):
    case = _case()

    client.post(
        reverse("support:case_reply", args=[case.pk]),
        {
            "body": "Invoice attached",
            "visibility": "public",
            "attachments": [SimpleUploadedFile("invoice.pdf", PDF)],
        },
    )
    att = Attachment.objects.get()
    response = client.get(reverse("support:attachment_download", args=[att.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_attachment_of_another_teams_case_is_404(client):
    team_a, team_b = TeamFactory(), TeamFactory()
    manager = UserFactory(role=Role.MANAGER, team=team_a)
    team_a.managers.add(manager)
    owner = UserFactory(role=Role.SALES_REP, team=team_b)
    case = _case(PartyFactory(owner=owner), attachments=[SimpleUploadedFile("a.pdf", PDF)])
    att = Attachment.objects.get(case=case)
    client.force_login(manager)

    response = client.get(reverse("support:attachment_download", args=[att.pk]))

    assert response.status_code == 404


def test_bad_upload_is_a_form_error(client, agent):
    case = _case()

    response = client.post(
        reverse("support:case_reply", args=[case.pk]),
        {
            "body": "Here",
            "visibility": "public",
            "attachments": [SimpleUploadedFile("evil.exe", b"MZ\x90\x00")],
        },
    )

    assert response.status_code == 422
    assert response.context["reply_form"].errors
    assert case.messages.count() == 1


def test_status_button_moves_the_case_and_refuses_a_disallowed_move(client, agent):
    case = _case()

    ok = client.post(reverse("support:case_status", args=[case.pk]), {"status": "pending_customer"})
    case.refresh_from_db()
    closed = client.post(reverse("support:case_status", args=[case.pk]), {"status": "closed"})
    bad = client.post(reverse("support:case_status", args=[case.pk]), {"status": "open"})

    assert ok.status_code == 302 and case.status == "pending_customer"
    assert closed.status_code == 302
    assert bad.status_code == 409
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_resolve_with_survey_sends_csat_and_records_first_contact(client, agent):
    case = _case(channel="email")

    response = client.post(
        reverse("support:case_resolve", args=[case.pk]),
        {"first_contact": "on", "send_csat": "on", "note": "Reset the router"},
    )

    case.refresh_from_db()
    assert response.status_code == 302
    assert (case.status, case.first_contact_resolution) == ("resolved", True)
    survey = Survey.objects.get()
    assert (survey.case_id, survey.kind, survey.channel) == (case.pk, "csat", "email")
    assert case.messages.filter(visibility=MessageVisibility.INTERNAL).count() == 1


def test_assign_to_an_agent_and_take_it(client, agent):
    other = AgentFactory()
    case = _case()

    client.post(reverse("support:case_assign", args=[case.pk]), {"assignee": other.pk})
    case.refresh_from_db()
    assert (case.assignee_id, case.team_id) == (other.pk, other.team_id)

    client.post(reverse("support:case_take", args=[case.pk]))
    case.refresh_from_db()
    assert case.assignee_id == agent.pk


def test_merge_by_number_moves_messages_and_rejects_another_customer(client, agent):
    party = PartyFactory()
    keep = _case(party, "Keep")
    dup = _case(party, "Dup")
    stranger = _case(PartyFactory(), "Other")

    refused = client.post(reverse("support:case_merge", args=[dup.pk]), {"into": stranger.number})
    merged = client.post(
        reverse("support:case_merge", args=[dup.pk]), {"into": keep.number.lower()}
    )

    assert refused.status_code == 422
    assert "into" in refused.context["merge_form"].errors
    assert merged.status_code == 302
    assert merged["Location"] == reverse("support:case_detail", args=[keep.pk])
    dup.refresh_from_db()
    assert (dup.merged_into_id, dup.status) == (keep.pk, "closed")
    follow = client.get(reverse("support:case_detail", args=[dup.pk]))
    assert follow.status_code == 302


def test_recovery_start_and_complete_schedules_the_follow_up(client, agent):
    case = _case(type="complaint")

    client.post(
        reverse("support:recovery_start", args=[case.pk]), {"kinds": ["apology", "callback"]}
    )
    actions = list(RecoveryAction.objects.order_by("id"))
    for action in actions:
        client.post(reverse("support:recovery_complete", args=[case.pk, action.pk]))

    assert [a.kind for a in actions] == ["apology", "callback"]
    done = list(RecoveryAction.objects.order_by("id"))
    assert [a.status for a in done] == ["done", "done"]
    assert done[0].follow_up_todo_id is None and done[1].follow_up_todo_id is not None
    page = client.get(reverse("support:case_detail", args=[case.pk])).content.decode()
    assert 'id="recovery-actions"' in page


def test_recovery_without_a_kind_is_a_form_error(client, agent):
    case = _case(type="complaint")

    response = client.post(reverse("support:recovery_start", args=[case.pk]), {"kinds": []})

    assert response.status_code == 422
    assert RecoveryAction.objects.count() == 0


def test_thread_partial_renders_for_polling(client, agent):
    case = _case()

    response = client.get(reverse("support:case_thread", args=[case.pk]))

    assert response.status_code == 200
    assert b'id="case-live"' in response.content


def test_kb_picker_answers_empty_without_a_query(client, agent):
    response = client.get(reverse("support:kb_picker"), {"q": ""})

    assert response.status_code == 200
    assert response.context["rows"] == []
