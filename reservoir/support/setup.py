"""Writes to the service settings: SLA policies and agents' skills, regions and capacity.

Callers (the manager pages) validate the input; these functions save, audit and return.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from reservoir.audit import services as audit
from reservoir.iam.models import User
from reservoir.support.models import AgentProfile, SlaPolicy

SLA_FIELDS = (
    "name",
    "position",
    "is_active",
    "priority",
    "case_type",
    "min_customer_value",
    "first_response_hours",
    "next_response_hours",
    "resolution_hours",
    "calendar_id",
    "warn_before_minutes",
    "pause_on_pending_customer",
)
PROFILE_FIELDS = ("skills", "regions", "capacity", "available")


@transaction.atomic
def save_sla_policy(policy_id: int | None, *, by: User, data: Mapping[str, Any]) -> SlaPolicy:
    """Create (no id) or update an SLA policy from validated `data`.

    Side effects: audit "support.sla_policy.created|updated" with the changed fields. Cases
    already open keep the due times they were given; new cases and re-prioritised ones use
    the new targets.
    """
    policy = SlaPolicy.objects.select_for_update().get(pk=policy_id) if policy_id else SlaPolicy()
    before = audit.snapshot(policy, SLA_FIELDS) if policy_id else {}
    for name in SLA_FIELDS:
        key = "calendar" if name == "calendar_id" else name
        if key in data:
            setattr(policy, key, data[key])
    policy.save()
    after = audit.snapshot(policy, SLA_FIELDS)
    action = "support.sla_policy.updated" if policy_id else "support.sla_policy.created"
    audit.record(by, action, policy, audit.diff(before, after) if policy_id else {})
    return policy


@transaction.atomic
def save_agent_profile(user: User, *, by: User, data: Mapping[str, Any]) -> AgentProfile:
    """Create or update `user`'s agent profile. Side effects: audit entry with the changes."""
    profile, created = AgentProfile.objects.select_for_update().get_or_create(user=user)
    before = {f: getattr(profile, f) for f in PROFILE_FIELDS}
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.save()
    changes = {
        f: [before[f], getattr(profile, f)]
        for f in PROFILE_FIELDS
        if before[f] != getattr(profile, f)
    }
    action = "support.agent_profile.created" if created else "support.agent_profile.updated"
    audit.record(by, action, profile, changes)
    return profile
