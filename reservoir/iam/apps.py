from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "reservoir.iam"
    label = "iam"
    default_auto_field = "django.db.models.BigAutoField"
