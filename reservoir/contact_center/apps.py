import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactCenterConfig(AppConfig):
    name = "reservoir.contact_center"
    label = "contact_center"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Contact center")

    def ready(self) -> None:
        from reservoir.contact_center.tasks import purge_start_counts, sweep_presence
        from reservoir.core import scheduler

        scheduler.register("contact_center.sweep_presence", dt.timedelta(minutes=1), sweep_presence)
        scheduler.register(
            "contact_center.purge_start_counts", dt.timedelta(hours=1), purge_start_counts
        )
