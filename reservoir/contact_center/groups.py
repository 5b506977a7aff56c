"""Channel-layer group names of live chat."""

AGENTS = "chat.agents"  # every open chat console: the waiting queue changed


def session_group(session_id: int) -> str:
    """The visitor's sockets and the assigned agent's consoles."""
    return f"chat.session.{session_id}"


def agent_group(user_id: int) -> str:
    """One agent's open consoles."""
    return f"chat.agent.{user_id}"
