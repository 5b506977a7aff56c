import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.todos import selectors, services
from reservoir.todos.models import Todo, TodoStatus
from reservoir.todos.tests.factories import TodoFactory

pytestmark = pytest.mark.django_db


def test_rep_sees_own_and_team_tasks_but_not_other_teams(rep_a, rep_b):
    teammate = UserFactory(team=rep_a.team)
    mine = TodoFactory(assignee=rep_a)
    team = TodoFactory(assignee=teammate)
    TodoFactory(assignee=rep_b)

    visible = set(selectors.for_user(rep_a).values_list("pk", flat=True))

    assert visible == {mine.pk, team.pk}


def test_rep_gets_404_for_another_teams_task_in_api(client, rep_a, rep_b):
    other = TodoFactory(assignee=rep_b)

    response = client.get(f"/api/v1/tasks/{other.pk}", headers=bearer(rep_a))
    done = client.post(f"/api/v1/tasks/{other.pk}/complete", headers=bearer(rep_a))

    other.refresh_from_db()
    assert (response.status_code, done.status_code) == (404, 404)
    assert other.status == TodoStatus.OPEN


def test_buckets_split_overdue_today_upcoming(rep_a):
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59)
    overdue = TodoFactory(assignee=rep_a, due_at=now - dt.timedelta(hours=1))
    later = TodoFactory(assignee=rep_a, due_at=now + dt.timedelta(days=3))
    undated = TodoFactory(assignee=rep_a)
    today = TodoFactory(assignee=rep_a, due_at=end_of_day) if end_of_day > now else None

    counts = selectors.bucket_counts(actor=rep_a)

    assert list(selectors.list_todos(actor=rep_a, bucket="overdue")) == [overdue]
    assert set(selectors.list_todos(actor=rep_a, bucket="upcoming")) == {later, undated}
    assert counts["today"] == (1 if today else 0)


def test_api_creates_lists_completes_and_reopens_a_task(client, rep_a):
    party = PartyFactory(team=rep_a.team)
    headers = bearer(rep_a)

    created = client.post(
        "/api/v1/tasks",
        {"title": "Call back", "due_at": "2026-12-07T10:00:00+08:00", "party_id": party.pk},
        content_type="application/json",
        headers=headers,
    )
    todo_id = created.json()["id"]
    listed = client.get(f"/api/v1/tasks?party={party.pk}", headers=headers)
    done = client.post(f"/api/v1/tasks/{todo_id}/complete", headers=headers)
    again = client.post(f"/api/v1/tasks/{todo_id}/reopen", headers=headers)
    patched = client.patch(
        f"/api/v1/tasks/{todo_id}",
        {"title": "Call"},
        content_type="application/json",
        headers=headers,
    )

    assert created.status_code == 201
    assert created.json()["assignee_id"] == rep_a.pk
    assert [t["id"] for t in listed.json()["items"]] == [todo_id]
    assert done.json()["status"] == "done"
    assert again.json()["status"] == "open"
    assert patched.json()["title"] == "Call"
    assert AuditEntry.objects.filter(action="todos.todo.completed").count() == 1


def test_api_refuses_blank_title(client, rep_a):
    response = client.post(
        "/api/v1/tasks", {"title": ""}, content_type="application/json", headers=bearer(rep_a)
    )

    assert response.status_code == 422
    assert Todo.objects.count() == 0


def test_teammate_cannot_complete_someone_elses_task(rep_a):
    teammate = UserFactory(team=rep_a.team)
    todo = TodoFactory(assignee=teammate)

    with pytest.raises(services.PermissionDenied):
        services.complete_todo(todo, by=rep_a)

    todo.refresh_from_db()
    assert todo.status == TodoStatus.OPEN


def test_reminder_is_sent_once_when_due(rep_a):
    todo = TodoFactory(assignee=rep_a, remind_at=timezone.now() - dt.timedelta(minutes=1))

    first = services.send_due_reminders()
    second = services.send_due_reminders()

    todo.refresh_from_db()
    assert (first, second) == (1, 0)
    assert todo.reminded_at is not None
    assert len(mail.outbox) == 1


def test_my_tasks_page_completes_with_htmx(client, rep_a):
    todo = TodoFactory(assignee=rep_a, due_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(rep_a)

    page = client.get("/tasks/?bucket=overdue")
    response = client.post(f"/tasks/{todo.pk}/complete/", HTTP_HX_REQUEST="true")

    todo.refresh_from_db()
    assert todo.title in page.content.decode()
    assert response.status_code == 200
    assert f'id="todo-{todo.pk}"' in response.content.decode()
    assert todo.status == TodoStatus.DONE


def test_my_tasks_page_adds_a_task(client, rep_a):
    client.force_login(rep_a)

    response = client.post(
        "/tasks/?bucket=upcoming", {"title": "Send brochure", "priority": "normal"}
    )

    assert response.status_code == 302
    assert Todo.objects.get().assignee_id == rep_a.pk


def test_my_tasks_page_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(team=rep_a.team)
    TodoFactory(assignee=rep_a, party=party)
    one = count_queries(client, "/tasks/?bucket=upcoming&scope=all")
    TodoFactory(assignee=rep_a, party=PartyFactory(team=rep_a.team))
    TodoFactory(assignee=UserFactory(team=rep_a.team))

    three = count_queries(client, "/tasks/?bucket=upcoming&scope=all")

    assert one == three


def test_tasks_api_query_count_does_not_grow(client, rep_a):
    client.defaults.update({"HTTP_AUTHORIZATION": bearer(rep_a)["Authorization"]})
    client.get("/api/v1/tasks")
    TodoFactory(assignee=rep_a)
    one = count_queries(client, "/api/v1/tasks")
    TodoFactory(assignee=rep_a)
    TodoFactory(assignee=rep_a)

    three = count_queries(client, "/api/v1/tasks")

    assert one == three


def test_customer_360_shows_open_tasks_card(client, rep_a):
    party = PartyFactory(team=rep_a.team)
    TodoFactory(assignee=rep_a, party=party, title="Send the quote")
    client.force_login(rep_a)

    response = client.get(f"/parties/{party.pk}/")

    assert response.status_code == 200
    assert "party-todos-card" in response.content.decode()
    assert "Send the quote" in response.content.decode()
