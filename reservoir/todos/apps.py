import datetime as dt

from django.apps import AppConfig


class TodosConfig(AppConfig):
    name = "reservoir.todos"
    label = "todos"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from reservoir.core import scheduler
        from reservoir.todos.tasks import send_reminders

        scheduler.register("todos.send_reminders", dt.timedelta(minutes=1), send_reminders)
