"""Writing to-dos: create, change, complete, reopen, remind. Every write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import InvalidInput, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.models import User
from reservoir.parties.models import Party
from reservoir.todos.events import TodoCompleted, TodoCreated
from reservoir.todos.models import Todo, TodoPriority, TodoStatus

FIELDS = ("title", "notes", "due_at", "remind_at", "assignee_id", "priority", "status")


def can_change(user: Any, todo: Todo) -> bool:
    """The assignee, the creator, managers and administrators change a to-do."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (todo.assignee_id, todo.created_by_id) or user.has_role(Role.MANAGER)


def _validate(todo: Todo) -> None:
    todo.title = todo.title.strip()
    if not todo.title or len(todo.title) > 200:
        raise InvalidInput(_("A title is required (200 characters at most)."), field="title")
    if todo.priority not in TodoPriority.values:
        raise InvalidInput(_("Unknown priority."), field="priority")


@transaction.atomic
def create_todo(
    *,
    by: User | None,
    title: str,
    assignee: User | None = None,
    due_at: dt.datetime | None = None,
    remind_at: dt.datetime | None = None,
    party: Party | None = None,
    notes: str = "",
    priority: str = TodoPriority.NORMAL,
    link: tuple[str, str, str] | None = None,
    source: str = "",
) -> Todo:
    """Create a to-do (assigned to `by` when no assignee is given).

    Side effects: audit entry; TodoCreated after commit.
    """
    owner = assignee if assignee is not None else by
    todo = Todo(
        title=title,
        notes=notes,
        due_at=due_at,
        remind_at=remind_at,
        assignee=owner,
        team_id=owner.team_id if owner is not None else None,
        party=party,
        priority=priority,
        source=source[:100],
        created_by=by,
    )
    if link:
        todo.link_app_label, todo.link_model, todo.link_pk = (v[:64] for v in link)
    _validate(todo)
    todo.save()
    audit.record(by, "todos.todo.created", todo, data={"assignee": todo.assignee_id})
    events.publish(
        TodoCreated(todo_id=todo.pk, party_id=todo.party_id, assignee_id=todo.assignee_id)
    )
    return todo


@transaction.atomic
def update_todo(todo: Todo, *, by: User, **fields: Any) -> Todo:
    """Change a to-do's own fields. Side effects: audit entry with the diff."""
    if not can_change(by, todo):
        raise PermissionDenied(_("Only the assignee, the creator or a manager changes this task."))
    unknown = set(fields) - {"title", "notes", "due_at", "remind_at", "assignee", "priority"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(todo, FIELDS)
    for name, value in fields.items():
        setattr(todo, name, value)
    if "assignee" in fields:
        todo.team_id = todo.assignee.team_id if todo.assignee else None
    if "remind_at" in fields:
        todo.reminded_at = None
    _validate(todo)
    todo.save()
    audit.record(by, "todos.todo.updated", todo, audit.diff(before, audit.snapshot(todo, FIELDS)))
    return todo


@transaction.atomic
def complete_todo(todo: Todo, *, by: User) -> Todo:
    """Mark done (idempotent). Side effects: audit entry and TodoCompleted when it changed."""
    if not can_change(by, todo):
        raise PermissionDenied(_("Only the assignee, the creator or a manager changes this task."))
    if todo.status == TodoStatus.DONE:
        return todo
    todo.status, todo.completed_at, todo.completed_by = TodoStatus.DONE, timezone.now(), by
    todo.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    audit.record(by, "todos.todo.completed", todo)
    events.publish(TodoCompleted(todo_id=todo.pk, party_id=todo.party_id))
    return todo


@transaction.atomic
def reopen_todo(todo: Todo, *, by: User) -> Todo:
    """Open a done to-do again. Side effects: audit entry."""
    if not can_change(by, todo):
        raise PermissionDenied(_("Only the assignee, the creator or a manager changes this task."))
    if todo.status != TodoStatus.OPEN:
        todo.status, todo.completed_at, todo.completed_by = TodoStatus.OPEN, None, None
        todo.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
        audit.record(by, "todos.todo.reopened", todo)
    return todo


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Remind assignees of open to-dos whose reminder time has come; return how many.

    Side effects: per to-do, in its own transaction: reminded_at set, an audit entry, and an
    email to the assignee when they have an address. A to-do is reminded once.
    """
    now = now or timezone.now()
    sent = 0
    due = Todo.objects.filter(
        status=TodoStatus.OPEN, remind_at__lte=now, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            todo = (
                Todo.objects.select_for_update(of=("self",))
                .select_related("assignee")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if todo is None:
                continue
            todo.reminded_at = now
            todo.save(update_fields=["reminded_at"])
            audit.record(None, "todos.todo.reminded", todo, data={"assignee": todo.assignee_id})
            if todo.assignee is not None and todo.assignee.email:
                send_mail(
                    _("Reminder: %(t)s") % {"t": todo.title},
                    todo.notes or todo.title,
                    None,
                    [todo.assignee.email],
                    fail_silently=True,
                )
            sent += 1
    return sent
