import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "reservoir.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from reservoir.core import scheduler  # noqa: PLC0415
        from reservoir.portal import receivers  # noqa: PLC0415
        from reservoir.portal.tasks import purge_sign_in_records  # noqa: PLC0415

        receivers.subscribe()
        scheduler.register(
            "portal.purge_sign_in_records", dt.timedelta(hours=1), purge_sign_in_records
        )
