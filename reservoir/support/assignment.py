"""Automatic assignment: the right agent for the case by skill, region and load (SV3).

Candidates are available agents with a profile and room under their capacity (active cases
assigned). Region is a hard rule for agents who list regions (a field technician in 上海
does not get a 北京 repair); agents without regions take any. Among candidates the best
skill match wins (skills name case types, categories or product SKUs), then an exact region
match, then the lowest load relative to capacity, then the longest-idle agent (lowest id).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.iam.models import User
from reservoir.support.enums import ACTIVE_STATUSES
from reservoir.support.events import CaseAssigned
from reservoir.support.models import AgentProfile, Case

_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def norm_region(region: str) -> str:
    """A region compared loosely: case-folded, without 省/市/自治区 (so 北京 matches 北京市)."""
    text = str(region or "").strip().casefold()
    for suffix in _REGION_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def case_tags(case: Case) -> set[str]:
    """What a skill may name for this case: its type, category and product (lower case)."""
    tags = {case.type.lower()}
    if case.category:
        tags.add(case.category.strip().lower())
    if case.product_id:
        sku = getattr(case.product, "sku", "")
        if sku:
            tags.add(str(sku).lower())
    return tags


def agent_loads(user_ids: list[int]) -> dict[int, int]:
    """Active cases assigned to each user (one query)."""
    rows = (
        Case.objects.filter(assignee_id__in=user_ids, status__in=ACTIVE_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    load = dict.fromkeys(user_ids, 0)
    load.update({r["assignee_id"]: r["n"] for r in rows})
    return load


def pick_agent(case: Case) -> User | None:
    """The agent `auto_assign` would choose (None when nobody fits); no writes."""
    profiles = list(
        AgentProfile.objects.filter(available=True, user__is_active=True).select_related("user")
    )
    if case.team_id:
        in_team = [p for p in profiles if p.user.team_id == case.team_id]
        profiles = in_team or profiles
    if not profiles:
        return None
    loads = agent_loads([p.user_id for p in profiles])
    tags = case_tags(case)
    region = norm_region(case.region)
    best: tuple[tuple[int, int, float, int], User] | None = None
    for profile in profiles:
        load = loads.get(profile.user_id, 0)
        if load >= profile.capacity:
            continue
        regions = {norm_region(r) for r in profile.regions or []}
        if region and regions and region not in regions:
            continue
        skills = {str(s).strip().lower() for s in profile.skills or []}
        key = (
            -len(skills & tags),
            0 if region and region in regions else 1,
            load / max(profile.capacity, 1),
            profile.user_id,
        )
        if best is None or key < best[0]:
            best = (key, profile.user)
    return best[1] if best else None


def auto_assign(case: Case) -> User | None:
    """Assign the case to the best-fitting agent; return them (None: stays in the queue).

    Side effects: the case's assignee and team, audit entry (system actor); CaseAssigned
    after commit. A case that already has an assignee is left alone.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("product").get(pk=case.pk)
        )
        if case.assignee_id is not None:
            return case.assignee
        agent = pick_agent(case)
        if agent is None:
            return None
        case.assignee = agent
        if case.team_id is None:
            case.team_id = agent.team_id
        case.save(update_fields=["assignee", "team", "updated_at"])
        audit.record(
            None, "support.case.auto_assigned", case, data={"assignee": agent.pk, "rule": "skills"}
        )
        events.publish(
            CaseAssigned(
                case_id=case.pk,
                party_id=case.party_id,
                assignee_id=agent.pk,
                team_id=case.team_id,
            )
        )
    return agent
