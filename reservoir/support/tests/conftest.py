"""Service tests store attachments in a temporary media directory."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published():
    """`listen(*event_types)` → the list the events of those types are appended to."""
    from reservoir.core import events

    seen: list[object] = []
    added: list[type] = []

    def listen(*types: type) -> list[object]:
        for event_type in types:
            events.subscribe(event_type, seen.append)
            added.append(event_type)
        return seen

    yield listen
    for event_type in added:
        handlers = events._handlers[event_type]
        if seen.append in handlers:
            handlers.remove(seen.append)
