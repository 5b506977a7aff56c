from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "reservoir.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from reservoir.consent import facts, receivers  # noqa: PLC0415

        receivers.subscribe()
        facts.register()
