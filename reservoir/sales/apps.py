from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "reservoir.sales"
    label = "sales"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reservoir.sales import receivers

        receivers.subscribe()
        from reservoir.sales import facts  # noqa: PLC0415 - contact-rule facts (decisions)

        facts.register()
