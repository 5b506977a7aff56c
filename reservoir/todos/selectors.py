"""Reading to-dos, always through the visibility rule: one sees one's own to-dos, one's
team's (sales reps) or managed teams' (managers), or all (administrators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.todos.models import Todo, TodoStatus

BUCKETS = ("overdue", "today", "upcoming", "done")


def for_user(user: User) -> QuerySet[Todo]:
    """The to-dos `user` may see (their own always)."""
    return Todo.objects.filter(visible_q(user, owner="assignee") | Q(assignee_id=user.pk))


def get_todo(*, actor: User, todo_id: int) -> Todo:
    todo = for_user(actor).select_related("assignee", "party").filter(pk=todo_id).first()
    if todo is None:
        raise NotFound(_("No task with id %(id)s.") % {"id": todo_id})
    return todo


def _day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def bucket_q(bucket: str, now: dt.datetime | None = None) -> Q:
    """The filter of one bucket of the "my tasks" page (overdue / today / upcoming / done)."""
    now = now or timezone.now()
    start, end = _day_bounds(now)
    open_ = Q(status=TodoStatus.OPEN)
    if bucket == "overdue":
        return open_ & Q(due_at__lt=now)
    if bucket == "today":
        return open_ & Q(due_at__gte=now, due_at__lt=end)
    if bucket == "upcoming":
        return open_ & (Q(due_at__gte=end) | Q(due_at__isnull=True))
    return Q(status=TodoStatus.DONE)


def list_todos(
    *,
    actor: User,
    bucket: str = "",
    assignee_id: int | None = None,
    party_id: int | None = None,
    status: str = "",
    search: str = "",
) -> QuerySet[Todo]:
    qs = for_user(actor).select_related("assignee", "party")
    if bucket in BUCKETS:
        qs = qs.filter(bucket_q(bucket))
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if party_id:
        qs = qs.filter(party_id=party_id)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(title__icontains=search)
    if bucket == "done":
        return qs.order_by("-completed_at", "-id")
    return qs.order_by("due_at", "id")


def bucket_counts(*, actor: User, assignee_id: int | None = None) -> dict[str, int]:
    """How many to-dos each bucket holds (one query)."""
    qs = for_user(actor)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    now = timezone.now()
    agg = qs.aggregate(**{b: Count("pk", filter=bucket_q(b, now)) for b in BUCKETS})
    return {b: int(agg[b] or 0) for b in BUCKETS}


@dataclass(frozen=True)
class PartyTodos:
    open: list[Todo]
    open_count: int


def party_todos(*, actor: User, party_id: int, limit: int = 5) -> PartyTodos:
    """The open to-dos about one customer that `actor` may see (the Customer 360 card)."""
    qs = list_todos(actor=actor, party_id=party_id, status=TodoStatus.OPEN)
    items = list(qs[: limit + 1])
    count = len(items) if len(items) <= limit else qs.count()
    return PartyTodos(open=items[:limit], open_count=count)


def open_load(user_ids: list[int]) -> dict[int, int]:
    """Open to-dos per user among `user_ids` (for least-loaded assignment; system-level)."""
    rows = (
        Todo.objects.filter(assignee_id__in=user_ids, status=TodoStatus.OPEN)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    load = dict.fromkeys(user_ids, 0)
    load.update({r["assignee_id"]: r["n"] for r in rows})
    return load
