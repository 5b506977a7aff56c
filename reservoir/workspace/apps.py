from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "reservoir.workspace"
    label = "workspace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reservoir.workspace import facts  # contact-rule facts (decisions' provider interface)

        facts.register()
