"""To-dos API: list what you may see, create, change, complete, reopen."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from reservoir.core.api import Id, IdempotencyKey, Page, idempotent, paginate
from reservoir.core.errors import InvalidInput
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.todos import selectors, services
from reservoir.todos.models import Todo
from reservoir.todos.schemas import TodoFilters, TodoIn, TodoOut, TodoPatch

router = Router()


def _user(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": user_id}, field=field)
    return user


def _todo(request: HttpRequest, todo_id: int) -> Todo:
    return selectors.get_todo(actor=request.auth, todo_id=todo_id)  # type: ignore[attr-defined]


@router.get("/tasks", response=Page[TodoOut], summary="Tasks you may see")
def list_todos(request: HttpRequest, filters: Query[TodoFilters]) -> dict[str, Any]:
    qs = selectors.list_todos(
        actor=request.auth,  # type: ignore[attr-defined]
        bucket=filters.bucket or "",
        assignee_id=filters.assignee,
        party_id=filters.party,
        status=filters.status or "",
    )
    return paginate(qs.order_by(), ("id",), cursor=filters.cursor, limit=filters.limit)


@router.post("/tasks", response={201: TodoOut}, summary="Create a task")
@idempotent("todos.create")
def create_todo(
    request: HttpRequest, payload: TodoIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, TodoOut]:
    actor = request.auth  # type: ignore[attr-defined]
    party = None
    if payload.party_id is not None:
        party = party_selectors.get_party(actor=actor, party_id=payload.party_id)
    todo = services.create_todo(
        by=actor,
        title=payload.title,
        notes=payload.notes,
        due_at=payload.due_at,
        remind_at=payload.remind_at,
        priority=payload.priority,
        assignee=_user(payload.assignee_id, "assignee_id") if payload.assignee_id else None,
        party=party,
    )
    return 201, TodoOut.from_orm(todo)


@router.get("/tasks/{todo_id}", response=TodoOut, summary="One task")
def get_todo(request: HttpRequest, todo_id: Id) -> Todo:
    return _todo(request, todo_id)


@router.patch("/tasks/{todo_id}", response=TodoOut, summary="Change a task")
def update_todo(request: HttpRequest, todo_id: Id, payload: TodoPatch) -> Todo:
    todo = _todo(request, todo_id)
    data = payload.model_dump(exclude_unset=True)
    if "assignee_id" in data:
        aid = data.pop("assignee_id")
        data["assignee"] = _user(aid, "assignee_id") if aid else None
    if data.get("title") is None:
        data.pop("title", None)
    return services.update_todo(todo, by=request.auth, **data)  # type: ignore[attr-defined]


@router.post("/tasks/{todo_id}/complete", response=TodoOut, summary="Mark a task done")
def complete_todo(request: HttpRequest, todo_id: Id) -> Todo:
    return services.complete_todo(_todo(request, todo_id), by=request.auth)  # type: ignore[attr-defined]


@router.post("/tasks/{todo_id}/reopen", response=TodoOut, summary="Open a done task again")
def reopen_todo(request: HttpRequest, todo_id: Id) -> Todo:
    return services.reopen_todo(_todo(request, todo_id), by=request.auth)  # type: ignore[attr-defined]
