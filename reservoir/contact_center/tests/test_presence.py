"""Agents' presence heals itself when consoles go silent (a killed server never closes them)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from reservoir.contact_center import presence, services
from reservoir.contact_center.enums import SessionStatus
from reservoir.contact_center.models import AgentChatState
from reservoir.contact_center.tests.factories import agent, chat
from reservoir.core import scheduler
from reservoir.core.errors import Conflict
from reservoir.support.models import Case

pytestmark = pytest.mark.django_db


def _ago(seconds):
    return timezone.now() - dt.timedelta(seconds=seconds)


def _online(user):
    return AgentChatState.objects.get(pk=user.pk).online


def test_agent_with_stale_heartbeat_is_not_routed_and_chat_becomes_case():
    ghost = agent(online=1, seen_at=_ago(600))
    session = chat()

    services.request_agent(session)

    session.refresh_from_db()
    assert (session.status, session.agent_id) == (SessionStatus.MISSED, None)
    assert Case.objects.filter(pk=session.case_id).exists()
    assert AgentChatState.objects.get(pk=ghost.pk).active_count == 0
    assert services.agents_on_duty() is False


def test_chat_goes_to_live_agent_when_a_less_loaded_one_is_stale():
    agent(username="ghost", online=2, seen_at=_ago(600))
    live = agent(username="live")
    busy_chat = chat()
    services.request_agent(busy_chat)
    session = chat()

    services.request_agent(session)

    session.refresh_from_db()
    assert (session.status, session.agent_id) == (SessionStatus.ACTIVE, live.pk)
    assert AgentChatState.objects.get(pk=live.pk).active_count == 2


@override_settings(CHAT_AGENT_STALE_SECONDS=30)
def test_threshold_comes_from_the_setting():
    recent = agent(username="recent", seen_at=_ago(20))
    older = agent(username="older", seen_at=_ago(40))

    routable = AgentChatState.objects.filter(presence.routable()).values_list("pk", flat=True)

    assert (list(routable), older.pk in routable) == ([recent.pk], False)


def test_transfer_refused_to_agent_whose_console_went_silent():
    owner = agent(username="owner")
    ghost = agent(username="ghost", seen_at=_ago(600))
    session = chat()
    services.request_agent(session)
    session.refresh_from_db()

    with pytest.raises(Conflict):
        services.transfer(session, by=owner, to_user_id=ghost.pk)

    session.refresh_from_db()
    assert session.agent_id == owner.pk


def test_sweep_resets_counts_of_silent_agents_only():
    stale = agent(username="stale", online=2, seen_at=_ago(600))
    never = agent(username="never", online=1)
    AgentChatState.objects.filter(pk=never.pk).update(seen_at=None)
    live = agent(username="live", online=1)

    gone = presence.sweep_presence()
    again = presence.sweep_presence()

    assert (gone, again) == (2, 0)
    assert [_online(u) for u in (stale, never, live)] == [0, 0, 1]


def test_sweep_runs_as_a_registered_periodic_task():
    stale = agent(online=3, seen_at=_ago(600))
    sched = {s.name: s for s in scheduler.schedules()}["contact_center.sweep_presence"]

    result = sched.task.call()

    assert (sched.every, result, _online(stale)) == (dt.timedelta(minutes=1), 1, 0)
    assert "contact_center.purge_start_counts" in {s.name for s in scheduler.schedules()}


def test_console_opening_on_a_silent_count_starts_afresh_at_one():
    stale = agent(username="stale", online=4, seen_at=_ago(600))
    live = agent(username="live", online=1)

    services.agent_connected(stale, 1)
    services.agent_connected(live, 1)

    state = AgentChatState.objects.get(pk=stale.pk)
    assert (state.online, _online(live)) == (1, 2)
    assert state.seen_at >= _ago(5)


def test_closing_counts_down_but_never_below_zero():
    user = agent(online=1)

    services.agent_connected(user, -1)
    services.agent_connected(user, -1)

    assert _online(user) == 0


def test_heartbeat_refreshes_seen_at_and_lifts_a_count_swept_to_zero():
    user = agent(online=1, seen_at=_ago(600))
    presence.sweep_presence()

    services.heartbeat(user)

    state = AgentChatState.objects.get(pk=user.pk)
    assert (state.online, state.seen_at >= _ago(5)) == (1, True)
    assert services.agents_on_duty() is True
