from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "reservoir.support"
    label = "support"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Service")
