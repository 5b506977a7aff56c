from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "reservoir.realtime"
    label = "realtime"

    def ready(self) -> None:
        from reservoir.realtime import receivers

        receivers.connect()
