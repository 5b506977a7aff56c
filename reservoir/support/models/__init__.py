"""Service models: cases and their messages and attachments, SLA policies and their events,
agent profiles, recovery actions and surveys."""

from reservoir.support.models.care import RecoveryAction, Survey
from reservoir.support.models.cases import Attachment, Case, CaseMessage
from reservoir.support.models.sla import AgentProfile, SlaEvent, SlaPolicy

__all__ = [
    "AgentProfile",
    "Attachment",
    "Case",
    "CaseMessage",
    "RecoveryAction",
    "SlaEvent",
    "SlaPolicy",
    "Survey",
]
