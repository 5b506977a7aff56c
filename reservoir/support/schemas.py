"""Service API schemas."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from reservoir.core.api import BodyId, Input, PageQuery
from reservoir.support.enums import (
    CaseChannel,
    CasePriority,
    CaseStatus,
    CaseType,
    MessageAuthor,
    MessageVisibility,
)


class CaseIn(Input):
    party_id: BodyId
    subject: str = Field(..., min_length=1, max_length=255)
    body: str = Field(..., min_length=1, max_length=50000)
    type: CaseType = CaseType.QUESTION
    priority: CasePriority = CasePriority.NORMAL
    channel: CaseChannel = CaseChannel.API
    category: str = Field("", max_length=100)
    product_id: BodyId | None = None
    region: str = Field("", max_length=100)


class MessageIn(Input):
    body: str = Field(..., min_length=1, max_length=50000)
    visibility: MessageVisibility = MessageVisibility.PUBLIC
    author_kind: MessageAuthor = Field(
        MessageAuthor.AGENT, description="`customer` to log the customer's words (phone)."
    )
    channel: CaseChannel = CaseChannel.API


class StatusIn(Input):
    status: CaseStatus
    first_contact: bool | None = Field(None, description="Resolving only: override FCR.")


class AssignIn(Input):
    assignee_id: BodyId | None = None
    team_id: BodyId | None = None
    auto: bool = Field(False, description="Let the skill/region/load rule choose.")


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    author_kind: str
    author_id: int | None
    visibility: str
    channel: str
    body: str
    body_text: str
    created_at: dt.datetime
    interaction_id: int | None
    attachments: list[AttachmentOut]


class CaseOut(Schema):
    id: int
    number: str | None
    party_id: int
    party_name: str = Field(..., alias="party.display_name")
    subject: str
    type: str
    priority: str
    status: str
    category: str
    product_id: int | None
    channel: str
    team_id: int | None
    assignee_id: int | None
    region: str
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    sla_policy_id: int | None
    first_response_due: dt.datetime | None
    next_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_response_breached: bool
    next_response_breached: bool
    resolution_breached: bool
    sla_paused_at: dt.datetime | None  # resolution and next response paused since
    sla_paused_seconds: int  # business seconds paused so far (already added to the due times)
    escalation_level: int
    first_contact_resolution: bool | None
    merged_into_id: int | None


class TimerOut(Schema):
    target: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: str  # running | warning | breached | paused | met | missed | none
    seconds_left: int | None
    paused_since: dt.datetime | None


class CaseDetailOut(CaseOut):
    timers: list[TimerOut]


class CaseQuery(PageQuery):
    status: str | None = Field(
        None, pattern="^(new|open|pending_customer|pending_internal|resolved|closed|active|done)$"
    )
    type: CaseType | None = None
    priority: CasePriority | None = None
    channel: CaseChannel | None = None
    party: int | None = Field(None, ge=1, le=2**63 - 1)
    assignee: int | None = Field(None, ge=1, le=2**63 - 1)
    team: int | None = Field(None, ge=1, le=2**63 - 1)
    unassigned: bool = False
    breached: bool | None = None
    q: str | None = Field(None, max_length=100)
