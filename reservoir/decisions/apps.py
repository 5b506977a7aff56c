from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "reservoir.decisions"
    label = "decisions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Contact rules"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from reservoir.decisions import log

        # Buffered decision-log rows are written once the response has been handed over.
        request_finished.connect(log.flush, dispatch_uid="decisions.log.flush")
