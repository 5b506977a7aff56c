import pytest
from django.utils import timezone

from reservoir.contact_center import services
from reservoir.contact_center.enums import Author, SessionStatus
from reservoir.contact_center.models import AgentChatState, ChatMessage
from reservoir.contact_center.tests.factories import agent, chat
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.support.knowledge import services as kb
from reservoir.support.models import Case
from reservoir.timeline.models import Interaction

pytestmark = pytest.mark.django_db


def test_visitor_is_matched_to_existing_party_when_email_is_known():
    point = ContactPointFactory(value="li.na@example.com")

    session = chat(name="Li Na", email="Li.Na@Example.com ")

    assert (session.party_id, session.identified_by, session.status) == (
        point.party_id, "email", SessionStatus.BOT,
    )  # fmt: skip
    assert Party.objects.count() == 1


def test_unknown_visitor_gets_provisional_party_when_phone_is_new():
    session = chat(name="Wang Wei", phone="+86 138 0013 8000")

    party = Party.objects.get(pk=session.party_id)
    assert (party.status, party.display_name, session.identified_by) == (
        PartyStatus.PROVISIONAL, "Wang Wei", "phone",
    )  # fmt: skip


def test_start_refused_when_no_email_phone_or_signed_in_customer():
    with pytest.raises(InvalidInput) as exc:
        services.start_session(name="Anon")

    assert exc.value.field == "email"
    assert Party.objects.count() == 0


def test_assignment_respects_capacity_when_more_chats_than_room():
    busy = agent(capacity=1, username="busy")
    first, second = chat(), chat()

    services.request_agent(first)
    services.request_agent(second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.agent_id) == (SessionStatus.ACTIVE, busy.pk)
    assert (second.status, second.agent_id) == (SessionStatus.QUEUED, None)
    assert AgentChatState.objects.get(pk=busy.pk).active_count == 1


def test_assignment_goes_to_least_loaded_agent_and_queue_drains_when_chat_ends():
    a = agent(capacity=1, username="a")
    b = agent(capacity=2, username="b")
    chats = [chat() for _ in range(4)]

    for c in chats:
        services.request_agent(c)
    waiting = [c.pk for c in chats if _status(c) == SessionStatus.QUEUED]
    first = chats[0]
    first.refresh_from_db()
    services.end_session(first, by=first.agent)

    assert [_agent(c) for c in chats[:3]] == [a.pk, b.pk, b.pk]
    assert waiting == [chats[3].pk]
    assert _status(chats[3]) == SessionStatus.ACTIVE
    assert _agent(chats[3]) == first.agent_id
    assert AgentChatState.objects.get(pk=first.agent_id).active_count == 1


def _status(c):
    c.refresh_from_db()
    return c.status


def _agent(c):
    c.refresh_from_db()
    return c.agent_id


def test_messages_are_numbered_in_order_and_deduplicated_by_client_id():
    session = chat()
    agent()
    services.request_agent(session)

    services.post_visitor_message(session, "one", "c1")
    repeat = services.post_visitor_message(session, "one again", "c1")
    services.post_visitor_message(session, "two", "c2")

    bodies = list(
        ChatMessage.objects.filter(session=session, author=Author.VISITOR)
        .order_by("seq")
        .values_list("body", flat=True)
    )
    seqs = list(ChatMessage.objects.filter(session=session).values_list("seq", flat=True))
    assert bodies == ["one", "two"]
    assert (repeat.created, repeat.pushes, repeat.messages[0].body) == (False, [], "one")
    assert seqs == list(range(1, len(seqs) + 1))


def test_too_long_message_is_refused_and_nothing_stored():
    session = chat()
    before = ChatMessage.objects.count()

    with pytest.raises(InvalidInput) as exc:
        services.post_visitor_message(session, "x" * 2001, "c1")

    assert exc.value.field == "body"
    assert ChatMessage.objects.count() == before


def test_bot_answers_from_knowledge_base_then_hands_over_on_request():
    editor = agent(username="editor", role="administrator")
    kb.create_article(
        by=editor, title="How to reset the router", language="en", publish=True,
        body_html="<p>Hold the reset button of the router for ten seconds.</p>",
    )  # fmt: skip
    session = chat(language="en")

    answer = services.post_visitor_message(session, "reset router", "c1")
    handover = services.post_visitor_message(session, "I want to talk to a human", "c2")

    bot = answer.messages[1]
    assert (bot.author, [link["title"] for link in bot.links]) == (
        Author.BOT, ["How to reset the router"],
    )  # fmt: skip
    assert bot.links[0]["url"].startswith("/portal/help/")
    session.refresh_from_db()
    assert (session.status, session.agent_id) == (SessionStatus.ACTIVE, editor.pk)
    assert handover.messages[-1].author == Author.SYSTEM


def test_no_agent_creates_case_with_transcript_and_timeline_entry():
    party = PartyFactory()
    session = chat(party_id=party.pk)

    out = services.post_visitor_message(session, "My washing machine leaks", "c1")

    session.refresh_from_db()
    case = Case.objects.get(pk=session.case_id)
    first = case.messages.order_by("id").first()
    assert (session.status, case.party_id, case.channel) == (SessionStatus.MISSED, party.pk, "chat")
    assert "My washing machine leaks" in first.body
    assert case.number in out.messages[-1].body
    chat_row = Interaction.objects.get(pk=session.interaction_id)
    assert (chat_row.channel, chat_row.party_id, chat_row.conversation_id) == (
        "chat", party.pk, session.conversation_id,
    )  # fmt: skip
    assert "My washing machine leaks" in chat_row.body


def test_end_records_transcript_once_and_rating_reaches_survey():
    helper = agent()
    session = chat()
    services.request_agent(session)
    session.refresh_from_db()
    services.post_agent_message(helper, session, "Hello, how can I help?", "a1")

    services.end_session(session, by=helper)
    services.end_session(session, by=helper)
    services.rate(session, 4)

    session.refresh_from_db()
    transcripts = Interaction.objects.filter(party_id=session.party_id, source="chat")
    assert transcripts.count() == 1
    assert "Hello, how can I help?" in transcripts.get().body
    assert session.rating == 4
    assert session.party.traits.get(key="csat.last").value == 4


def test_rating_refused_while_chat_is_open():
    session = chat()

    with pytest.raises(Conflict):
        services.rate(session, 5)

    session.refresh_from_db()
    assert session.rating is None


def test_agent_cannot_post_to_chat_not_assigned_to_them():
    owner, other = agent(username="owner"), agent(username="other")
    session = chat()
    services.request_agent(session)

    with pytest.raises(NotFound):
        services.agent_session(other, session.pk)

    assert services.agent_session(owner, session.pk).pk == session.pk
    assert ChatMessage.objects.filter(session=session, author=Author.AGENT).count() == 0


def test_transfer_moves_load_to_target_agent():
    a, b = agent(username="a"), agent(username="b")
    session = chat()
    services.request_agent(session)
    session.refresh_from_db()

    services.transfer(session, by=a, to_user_id=b.pk)

    session.refresh_from_db()
    assert session.agent_id == b.pk
    assert [AgentChatState.objects.get(pk=u.pk).active_count for u in (a, b)] == [0, 1]


def test_canned_response_prefers_the_chat_language():
    from reservoir.contact_center.tests.factories import CannedFactory

    user = agent()
    CannedFactory(shortcut="hello", body="Hello!", language="")
    CannedFactory(shortcut="hello", body="您好！", language="zh-hans")

    found = services.canned_for(user, "/hello", "zh-hans")
    fallback = services.canned_for(user, "hello", "en")

    assert (found.body, fallback.body) == ("您好！", "Hello!")


def test_session_times_are_set_through_the_life_of_a_chat():
    helper = agent()
    session = chat()

    services.request_agent(session)
    session.refresh_from_db()
    services.end_session(session, by=helper)
    session.refresh_from_db()

    assert session.queued_at <= session.accepted_at <= session.ended_at <= timezone.now()
