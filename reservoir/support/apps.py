import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "reservoir.support"
    label = "support"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Service")

    def ready(self) -> None:
        from reservoir.core import scheduler
        from reservoir.support import facts, receivers
        from reservoir.support.mail import receivers as mail_receivers
        from reservoir.support.mail.tasks import fetch_mailbox
        from reservoir.support.tasks import check_sla

        receivers.subscribe()
        mail_receivers.subscribe()
        facts.register()
        scheduler.register("support.check_sla", dt.timedelta(minutes=1), check_sla)
        scheduler.register("support.fetch_mailbox", dt.timedelta(minutes=1), fetch_mailbox)
