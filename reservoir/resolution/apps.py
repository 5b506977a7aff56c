from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "reservoir.resolution"
    label = "resolution"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Identity resolution"

    def ready(self) -> None:
        from reservoir.resolution import (
            receivers,  # noqa: F401
            receivers_completeness,  # noqa: F401
        )
