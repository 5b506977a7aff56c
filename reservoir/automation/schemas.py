"""Automation API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.core.api import Input, PageQuery


class ActionIn(Input):
    type: str = Field(..., max_length=50)
    options: dict[str, Any] = Field(default_factory=dict)


class RuleIn(Input):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = Field("", max_length=5000)
    enabled: bool = True
    trigger: TriggerKind
    trigger_options: dict[str, Any] = Field(default_factory=dict)
    condition: str = Field("", max_length=2000)
    actions: list[ActionIn] = Field(default_factory=list, max_length=20)
    max_runs_per_hour: int = Field(10, ge=1, le=10000)


class RulePatch(Input):
    name: str | None = Field(None, min_length=1, max_length=150)
    description: str | None = Field(None, max_length=5000)
    enabled: bool | None = None
    trigger: TriggerKind | None = None
    trigger_options: dict[str, Any] | None = None
    condition: str | None = Field(None, max_length=2000)
    actions: list[ActionIn] | None = Field(None, max_length=20)
    max_runs_per_hour: int | None = Field(None, ge=1, le=10000)


class RuleOut(Schema):
    id: int
    name: str
    description: str
    enabled: bool
    trigger: str
    trigger_options: dict[str, Any]
    condition: str
    actions: list[dict[str, Any]]
    max_runs_per_hour: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RunOut(Schema):
    id: int
    rule_id: int
    key: str
    trigger: str
    party_id: int | None
    status: str
    depth: int
    cause_id: int | None
    attempts: int
    event: dict[str, Any]
    log: list[dict[str, Any]]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    duration_ms: float | None


class RunFilters(PageQuery):
    rule: int | None = Field(None, ge=1)
    status: RunStatus | None = None
    party: int | None = Field(None, ge=1)


class ExpressionIn(Input):
    expression: str = Field(..., max_length=2000)


class ExpressionOut(Schema):
    valid: bool
    line: int | None = None
    column: int | None = None
    reason: str = ""
