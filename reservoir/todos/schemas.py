"""To-do API schemas."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from reservoir.core.api import BodyId, Input, PageQuery
from reservoir.todos.models import TodoPriority


class TodoIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    notes: str = Field("", max_length=10000)
    due_at: dt.datetime | None = None
    remind_at: dt.datetime | None = None
    priority: TodoPriority = TodoPriority.NORMAL
    assignee_id: BodyId | None = Field(None, description="Omit to assign it to yourself.")
    party_id: BodyId | None = None


class TodoPatch(Input):
    title: str | None = Field(None, min_length=1, max_length=200)
    notes: str | None = Field(None, max_length=10000)
    due_at: dt.datetime | None = None
    remind_at: dt.datetime | None = None
    priority: TodoPriority | None = None
    assignee_id: BodyId | None = None


class TodoOut(Schema):
    id: int
    title: str
    notes: str
    status: str
    priority: str
    due_at: dt.datetime | None
    remind_at: dt.datetime | None
    assignee_id: int | None
    party_id: int | None
    link_app_label: str
    link_model: str
    link_pk: str
    source: str
    created_at: dt.datetime
    completed_at: dt.datetime | None


class TodoFilters(PageQuery):
    bucket: str | None = Field(None, pattern="^(overdue|today|upcoming|done)$")
    assignee: int | None = Field(None, ge=1)
    party: int | None = Field(None, ge=1)
    status: str | None = Field(None, pattern="^(open|done|cancelled)$")
