"""Live chat writes, in one place for callers: the visitor's side (`sessions`), the agent's
side (`agents`), presence (`presence`), start limits (`throttle`), the message log
(`chatlog`), frames (`frames`), canned responses and transcripts.

Every function returns the pushes the caller sends afterwards, in order (`Push` = group and
message): consumers are async, these are sync, so the socket side does the sending and can
await it in sequence. Writes run in short transactions; the per-session sequence number and
agent assignment lock their rows (select_for_update on PostgreSQL; on SQLite the IMMEDIATE
transaction serializes writers).
"""

from __future__ import annotations

from reservoir.contact_center.agents import (
    agent_connected,
    agent_session,
    assign_waiting,
    post_agent_message,
    queue_push,
    set_availability,
    transfer,
)
from reservoir.contact_center.canned import (
    canned_for,
    delete_canned,
    is_chat_agent,
    require_agent,
    save_canned,
)
from reservoir.contact_center.chatlog import clean_text
from reservoir.contact_center.frames import Outcome, Push, message_frame, status_frame, to_session
from reservoir.contact_center.presence import (
    agent_state,
    agents_on_duty,
    heartbeat,
    sweep_presence,
)
from reservoir.contact_center.sessions import (
    HANDOVER,
    end_session,
    get_by_token,
    post_visitor_message,
    rate,
    request_agent,
    start_session,
)
from reservoir.contact_center.throttle import TooManyStarts, check_start, purge_start_counts
from reservoir.contact_center.transcripts import record_transcript, transcript_text

__all__ = [
    "HANDOVER",
    "Outcome",
    "Push",
    "TooManyStarts",
    "agent_connected",
    "agent_session",
    "agent_state",
    "agents_on_duty",
    "assign_waiting",
    "canned_for",
    "check_start",
    "clean_text",
    "delete_canned",
    "end_session",
    "get_by_token",
    "heartbeat",
    "is_chat_agent",
    "message_frame",
    "post_agent_message",
    "post_visitor_message",
    "purge_start_counts",
    "queue_push",
    "rate",
    "record_transcript",
    "request_agent",
    "require_agent",
    "save_canned",
    "set_availability",
    "start_session",
    "status_frame",
    "sweep_presence",
    "to_session",
    "transcript_text",
    "transfer",
]
