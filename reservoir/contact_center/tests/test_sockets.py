"""The widget's and the console's sockets, through the real ASGI application."""

import asyncio
import datetime as dt
import json

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings
from django.utils import timezone

from reservoir.contact_center.enums import Author, SessionStatus
from reservoir.contact_center.models import AgentChatState, ChatMessage, ChatSession
from reservoir.contact_center.tests.factories import (
    IN_MEMORY,
    CannedFactory,
    agent,
    agent_socket,
    chat,
    session_cookie,
    visitor_socket,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_sync_thread_connections"),
]


@pytest.fixture(autouse=True)
def _in_memory_layer():
    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        yield


async def _frames_until(ws, kind, limit=20, **match):
    seen = []
    for _ in range(limit):
        frame = await ws.receive_json_from(timeout=5)
        seen.append(frame)
        if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame, seen
    raise AssertionError(f"no {kind} frame in {seen}")


async def _connected_pair(capacity=3):
    """An agent on the console and a visitor handed to them; returns (agent, visitor, session)."""
    user = await database_sync_to_async(agent)(capacity=capacity, online=0)
    cookie = await database_sync_to_async(session_cookie)(user)
    session = await database_sync_to_async(chat)(email="visitor@example.com", name="Visitor")
    console = agent_socket(cookie)
    assert (await console.connect())[0] is True
    await _frames_until(console, "hello")
    widget = visitor_socket(session.token)
    assert (await widget.connect())[0] is True
    await _frames_until(widget, "hello")
    await widget.send_json_to({"type": "handover"})
    await _frames_until(console, "assigned")
    await _frames_until(widget, "status", status="active")
    return user, console, widget, session


async def test_visitor_messages_reach_agent_in_order_and_repeats_are_not_stored():
    _user, console, widget, session = await _connected_pair()

    for cid, body in [("c1", "one"), ("c2", "two"), ("c1", "one again"), ("c3", "three")]:
        await widget.send_json_to({"type": "message", "body": body, "client_id": cid})
    got = []
    while len(got) < 3:
        frame, _seen = await _frames_until(console, "message")
        if frame["author"] == "visitor":
            got.append((frame["body"], frame["client_id"]))

    stored = await database_sync_to_async(
        lambda: list(
            ChatMessage.objects.filter(session_id=session.pk, author=Author.VISITOR)
            .order_by("seq")
            .values_list("body", flat=True)
        )
    )()
    assert got == [("one", "c1"), ("two", "c2"), ("three", "c3")]
    assert stored == ["one", "two", "three"]
    await console.disconnect()
    await widget.disconnect()


async def test_agent_reply_and_typing_reach_visitor_but_not_the_typist():
    _user, console, widget, session = await _connected_pair()

    await widget.send_json_to({"type": "typing", "active": True})
    typing, _seen = await _frames_until(console, "typing")
    await console.send_json_to(
        {"type": "message", "session": session.pk, "body": "Hi, I am here", "client_id": "a1"}
    )
    reply, _seen = await _frames_until(widget, "message")
    echo_is_empty = await widget.receive_nothing(timeout=0.2)

    assert (typing["author"], typing["active"], typing["session"]) == ("visitor", True, session.pk)
    assert (reply["author"], reply["body"]) == ("agent", "Hi, I am here")
    assert echo_is_empty is True
    await console.disconnect()
    await widget.disconnect()


async def test_canned_shortcut_sends_its_text():
    _user, console, widget, session = await _connected_pair()
    await database_sync_to_async(CannedFactory)(shortcut="wait", body="One moment, please.")

    await console.send_json_to({"type": "canned", "session": session.pk, "shortcut": "/wait"})
    reply, _seen = await _frames_until(widget, "message")

    assert (reply["author"], reply["body"]) == ("agent", "One moment, please.")
    await console.disconnect()
    await widget.disconnect()


async def test_agent_gets_error_frame_for_chat_not_theirs():
    _user, console, widget, session = await _connected_pair()
    other = await database_sync_to_async(agent)(username="other", online=0)
    other_console = agent_socket(await database_sync_to_async(session_cookie)(other))
    await other_console.connect()
    await _frames_until(other_console, "hello")

    await other_console.send_json_to({"type": "message", "session": session.pk, "body": "hi"})
    error, _seen = await _frames_until(other_console, "error")
    await other_console.send_json_to({"type": "open", "session": session.pk})
    error_open, _seen = await _frames_until(other_console, "error")

    count = await database_sync_to_async(
        ChatMessage.objects.filter(session_id=session.pk, author=Author.AGENT).count
    )()
    assert (error["code"], error_open["code"]) == ("not_found", "not_found")
    assert count == 0
    for ws in (console, widget, other_console):
        await ws.disconnect()


async def test_bad_frames_get_clear_errors_and_the_socket_stays_open():
    session = await database_sync_to_async(chat)(email="bad@example.com")
    widget = visitor_socket(session.token)
    await widget.connect()
    await _frames_until(widget, "hello")

    await widget.send_to(text_data="not json")
    bad_json = await widget.receive_json_from(timeout=5)
    await widget.send_json_to({"type": "message", "body": "x" * 2001, "client_id": "c9"})
    too_long = await widget.receive_json_from(timeout=5)
    await widget.send_json_to({"type": "fly"})
    unknown = await widget.receive_json_from(timeout=5)
    await widget.send_json_to({"type": "rate", "rating": "five"})
    bad_rating = await widget.receive_json_from(timeout=5)

    assert [bad_json["code"], too_long["code"], unknown["code"], bad_rating["code"]] == [
        "bad_frame", "invalid_input", "unknown_type", "invalid_input",
    ]  # fmt: skip
    assert (too_long["field"], too_long["client_id"]) == ("body", "c9")
    count = await database_sync_to_async(ChatMessage.objects.filter(session_id=session.pk).count)()
    assert count == 1  # the greeting only
    await widget.disconnect()


async def test_unknown_token_gets_error_frame_then_close():
    widget = visitor_socket("no-such-token-at-all")

    connected, _code = await widget.connect()
    error = await widget.receive_output(timeout=5)
    closed = await widget.receive_output(timeout=5)

    assert connected is True
    assert json.loads(error["text"])["code"] == "unknown_session"
    assert closed == {"type": "websocket.close", "code": 4404}


async def test_console_refuses_anonymous_and_non_agents():
    from reservoir.iam.tests.factories import UserFactory

    rep = await database_sync_to_async(UserFactory)(role="sales_rep")
    anonymous = agent_socket(b"")
    sales = agent_socket(await database_sync_to_async(session_cookie)(rep))

    results = [await anonymous.connect(), await sales.connect()]

    assert results == [(False, 4403), (False, 4403)]


async def test_visitor_ending_a_waiting_chat_leaves_a_case():
    busy = await database_sync_to_async(agent)(capacity=1)
    first = await database_sync_to_async(chat)(email="first@example.com")
    await database_sync_to_async(
        lambda: __import__("reservoir.contact_center.services", fromlist=["x"]).request_agent(first)
    )()
    second = await database_sync_to_async(chat)(email="second@example.com")
    widget = visitor_socket(second.token)
    await widget.connect()
    await _frames_until(widget, "hello")

    await widget.send_json_to({"type": "handover"})
    queued, _seen = await _frames_until(widget, "status")
    await widget.send_json_to({"type": "end"})
    missed, _seen = await _frames_until(widget, "status", status="missed")

    row = await database_sync_to_async(ChatSession.objects.get)(pk=second.pk)
    assert (queued["status"], missed["status"]) == (SessionStatus.QUEUED, SessionStatus.MISSED)
    assert row.case_id is not None and busy.pk != row.agent_id
    await widget.disconnect()


async def test_sync_resends_messages_after_a_gap():
    session = await database_sync_to_async(chat)(email="gap@example.com")
    widget = visitor_socket(session.token)
    await widget.connect()
    await _frames_until(widget, "hello")

    await widget.send_json_to({"type": "sync", "after_seq": 0})
    resent = await widget.receive_json_from(timeout=5)
    status = await widget.receive_json_from(timeout=5)
    await widget.send_json_to({"type": "sync", "after_seq": -1})
    refused = await widget.receive_json_from(timeout=5)

    assert (resent["type"], resent["seq"], resent["author"]) == ("message", 1, "bot")
    assert (status["type"], status["status"]) == ("status", "bot")
    assert (refused["code"], refused["field"]) == ("invalid_input", "after_seq")
    await widget.disconnect()


@override_settings(CHAT_AGENT_STALE_SECONDS=3)
async def test_open_console_keeps_its_agent_present_and_close_counts_down():
    user = await database_sync_to_async(agent)(online=0)
    console = agent_socket(await database_sync_to_async(session_cookie)(user))
    await console.connect()
    await _frames_until(console, "hello")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    await database_sync_to_async(AgentChatState.objects.filter(pk=user.pk).update)(
        seen_at=long_ago, online=0
    )  # as if the sweep had run while this console was silent

    state = None
    for _ in range(40):  # a beat every second (a third of the threshold)
        await asyncio.sleep(0.1)
        state = await database_sync_to_async(AgentChatState.objects.get)(pk=user.pk)
        if state.seen_at > long_ago:
            break
    await console.disconnect()
    closed = await database_sync_to_async(AgentChatState.objects.get)(pk=user.pk)

    assert state is not None
    assert (state.online, state.seen_at > long_ago) == (1, True)
    assert closed.online == 0
