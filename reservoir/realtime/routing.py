"""WebSocket URL routes."""

from django.urls import path

from reservoir.realtime.consumers import PartyTimelineConsumer

websocket_urlpatterns = [
    path("ws/parties/<int:party_id>/timeline/", PartyTimelineConsumer.as_asgi()),
]
