import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "reservoir.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from reservoir.analytics import tasks
        from reservoir.analytics.scoring import trait_labels
        from reservoir.core import scheduler

        # Labels and formats of the model traits, for every screen that shows traits.
        trait_labels.register()

        # Warehouse: incremental refresh every 15 minutes, full rebuild once a day.
        scheduler.register(
            "analytics.warehouse_refresh", dt.timedelta(minutes=15), tasks.scheduled_refresh
        )
        scheduler.register(
            "analytics.warehouse_full", dt.timedelta(days=1), tasks.nightly_full_refresh
        )

        # --- Scoring (helper A4): register scoring schedules / receivers below this line. ---
        from reservoir.analytics import receivers

        receivers.connect()
