import datetime as dt

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "reservoir.automation"
    label = "automation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Workflow automation"

    def ready(self) -> None:
        from reservoir.automation import imports, receivers, tasks
        from reservoir.automation.actions.builtin import register_builtin
        from reservoir.core import scheduler

        register_builtin()
        receivers.subscribe()
        imports.subscribe()  # bulk imports: PartiesImported → customer-created runs
        scheduler.register("automation.fire_due", dt.timedelta(seconds=15), tasks.fire_due_runs)
        scheduler.register("automation.schedules", dt.timedelta(minutes=1), tasks.run_schedules)
