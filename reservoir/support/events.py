"""Facts about cases, published after commit (automation, mail, realtime and analytics listen)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseOpened:
    case_id: int
    party_id: int
    case_type: str
    priority: str
    channel: str


@dataclass(frozen=True)
class CaseMessageAdded:
    case_id: int
    message_id: int
    party_id: int
    author_kind: str
    visibility: str
    channel: str


@dataclass(frozen=True)
class CaseStatusChanged:
    case_id: int
    party_id: int
    old: str
    new: str


@dataclass(frozen=True)
class CaseAssigned:
    case_id: int
    party_id: int
    assignee_id: int | None
    team_id: int | None


@dataclass(frozen=True)
class CaseResolved:
    case_id: int
    party_id: int
    case_type: str
    first_contact: bool


@dataclass(frozen=True)
class CaseSlaWarning:
    case_id: int
    party_id: int
    target: str  # SlaTarget
    due_at: str  # ISO 8601
    case_type: str = ""
    priority: str = ""


@dataclass(frozen=True)
class CaseSlaBreached:
    case_id: int
    party_id: int
    target: str  # SlaTarget
    due_at: str  # ISO 8601
    escalation_level: int
    case_type: str = ""
    priority: str = ""


@dataclass(frozen=True)
class CasesMerged:
    duplicate_id: int
    into_id: int


@dataclass(frozen=True)
class SurveyAnswered:
    survey_id: int
    party_id: int
    kind: str
    score: int


@dataclass(frozen=True)
class SurveySent:
    survey_id: int
    party_id: int
    case_id: int | None
    kind: str
    channel: str  # email | portal | chat
