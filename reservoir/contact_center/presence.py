"""Which agents are really at their chat console: open sockets plus a recent heartbeat.

`AgentChatState.online` counts an agent's open console sockets (+1 on connect, -1 on close).
A server process that dies (SIGKILL, OOM, a deploy) never runs its close handlers, so the
count alone would keep an agent "online" for ever and chats would be routed to nobody.
So every open console also refreshes `seen_at` (every third of CHAT_AGENT_STALE_SECONDS,
default 90 s): routing counts an agent online only while `seen_at` is younger than that;
`sweep_presence` (a periodic task, every minute) sets silent agents' counts back to 0; a
console that opens on a silent state starts the count afresh at 1, and a heartbeat lifts a
count wrongly swept to 0 back to 1. A wrong count thus heals within one threshold. Each write is one short transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone

from reservoir.contact_center.conf import setting_int
from reservoir.contact_center.models import AgentChatState
from reservoir.iam.models import User

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    """How long a console may stay silent before its agent counts as gone."""
    return dt.timedelta(seconds=setting_int("CHAT_AGENT_STALE_SECONDS", 90, minimum=3))


def heartbeat_seconds() -> float:
    """How often an open console refreshes its agent's `seen_at`."""
    return stale_after().total_seconds() / 3


def live(now: dt.datetime | None = None) -> Q:
    """Agents with an open console that has been heard from lately."""
    return Q(online__gt=0, seen_at__gte=(now or timezone.now()) - stale_after())


def routable(now: dt.datetime | None = None) -> Q:
    """Agents a chat may be given to (room aside): available and live."""
    return Q(available=True) & live(now)


def agents_on_duty() -> bool:
    return AgentChatState.objects.filter(routable()).exists()


def agent_state(user: User) -> AgentChatState:
    state, _created = AgentChatState.objects.get_or_create(user=user)
    return state


@transaction.atomic
def console_opened(user: User) -> None:
    """Count one more open console; a count left by consoles gone silent restarts at 1.

    Side effects: the agent's state row (created when missing).
    """
    now = timezone.now()
    state = agent_state(user)
    silent = Q(seen_at__isnull=True) | Q(seen_at__lt=now - stale_after())
    AgentChatState.objects.filter(pk=state.pk).update(
        online=Case(When(silent, then=1), default=F("online") + 1), seen_at=now
    )


@transaction.atomic
def console_closed(user: User) -> None:
    """Count one console less (never below 0)."""
    AgentChatState.objects.filter(pk=user.pk, online__gt=0).update(online=F("online") - 1)


@transaction.atomic
def heartbeat(user: User) -> None:
    """An open console is alive: refresh `seen_at`; a count swept to 0 meanwhile becomes 1."""
    AgentChatState.objects.filter(pk=user.pk).update(
        seen_at=timezone.now(), online=Greatest(F("online"), 1)
    )


@transaction.atomic
def sweep_presence(now: dt.datetime | None = None) -> int:
    """Set the console count of every agent not heard from within the threshold to 0.

    Returns how many agents went offline. Idempotent; one UPDATE.
    """
    cutoff = (now or timezone.now()) - stale_after()
    gone = AgentChatState.objects.filter(online__gt=0).filter(
        Q(seen_at__isnull=True) | Q(seen_at__lt=cutoff)
    )
    count = gone.update(online=0)
    if count:
        logger.info("chat presence: %s silent agent(s) set offline", count)
    return count
