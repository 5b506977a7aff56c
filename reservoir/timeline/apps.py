from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "reservoir.timeline"
    label = "timeline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reservoir.timeline import receivers

        receivers.subscribe()
        from reservoir.timeline import facts  # noqa: PLC0415 - contact-rule facts (decisions)

        facts.register()
