from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "reservoir.decisions"
    label = "decisions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Contact rules"
