from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "reservoir.parties"
    label = "parties"
    default_auto_field = "django.db.models.BigAutoField"
