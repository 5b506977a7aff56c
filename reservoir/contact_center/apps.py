from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactCenterConfig(AppConfig):
    name = "reservoir.contact_center"
    label = "contact_center"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Contact center")
