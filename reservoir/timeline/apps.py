from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "reservoir.timeline"
    label = "timeline"
    default_auto_field = "django.db.models.BigAutoField"
