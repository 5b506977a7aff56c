"""To-do pages, mounted at /tasks/."""

from django.urls import path

from reservoir.todos import views

app_name = "todos"

urlpatterns = [
    path("", views.todo_list, name="todo_list"),
    path("<int:todo_id>/complete/", views.todo_complete, name="todo_complete"),
]
