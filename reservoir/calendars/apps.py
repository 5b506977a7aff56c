from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "reservoir.calendars"
    label = "calendars"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Business calendars"
