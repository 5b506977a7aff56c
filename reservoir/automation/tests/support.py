"""Test helpers: run the queued automation runs in-process (what the worker does)."""

from reservoir.automation import engine
from reservoir.automation.enums import RunStatus
from reservoir.automation.models import Run


def drain(*, rounds: int = 20, retrying: bool = False) -> None:
    """Execute pending runs (and runs waiting for a retry, when asked) until none is left."""
    states = [RunStatus.PENDING, *([RunStatus.RETRYING] if retrying else [])]
    for _ in range(rounds):
        ids = list(
            Run.objects.filter(status__in=states).order_by("id").values_list("pk", flat=True)
        )
        if not ids:
            return
        for pk in ids:
            engine.execute(pk)
