import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reservoir.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reservoir.core import scheduler
        from reservoir.core.tasks import prune_housekeeping

        scheduler.register("core.prune_housekeeping", dt.timedelta(days=1), prune_housekeeping)
