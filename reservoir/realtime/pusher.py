"""Group pushes from sync code that do not wait for delivery.

`async_to_sync(layer.group_send)` blocks the request thread until the event loop has run the
send: under ASGI it hops to the server's loop and waits for its turn there. Live timelines
need the push, not the request, to wait. `push()` hands the messages to a queue drained by
one task per event loop, and returns at once:

- under ASGI (the caller runs inside `sync_to_async`) the queue lives on the server's loop,
  the loop the consumers and the in-memory layer's queues belong to;
- elsewhere (task worker, management commands) on one background thread's loop per process.

Order: one queue and one sending task per loop, so messages are sent in the order they were
pushed (per group, and overall). Failures are logged, never raised; pushes still queued when
the process exits are counted in the log, not dropped silently. A process with more than
`MAX_PENDING` undelivered pushes (a stalled layer) drops new ones, with a warning.

Written here rather than with a library: asgiref offers only the blocking hop, and the
fire-and-forget part is a queue and a task.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from typing import Any

from asgiref.sync import SyncToAsync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

MAX_PENDING = 10_000

Message = tuple[str, dict[str, Any]]  # (group, message)


class _State:
    pending = 0  # pushed, not yet sent or failed
    thread_loop: asyncio.AbstractEventLoop | None = None
    thread_pid = 0  # a forked child has the loop but not its thread


_lock = threading.Condition()
_queues: dict[asyncio.AbstractEventLoop, asyncio.Queue[list[Message]]] = {}
_tasks: set[asyncio.Task[None]] = set()


def push(messages: list[Message]) -> None:
    """Send `messages` to their groups in order, later; returns at once.

    Side effects: queues the messages for this process's sender (see module docstring).
    """
    if not messages or get_channel_layer() is None:
        return
    with _lock:
        if _State.pending >= MAX_PENDING:
            logger.warning("live push queue full: %d group messages dropped", len(messages))
            return
        _State.pending += len(messages)
    loop = _target_loop()
    try:
        loop.call_soon_threadsafe(_enqueue, loop, list(messages))
    except RuntimeError:  # the loop closed meanwhile
        _done(len(messages))
        logger.warning("live push lost: %d group messages (event loop closed)", len(messages))


def flush(timeout: float = 5.0) -> bool:
    """Wait until every queued push was sent (or failed); False after `timeout` seconds.

    Call from a thread other than the loop that sends (tests, shutdown).
    """
    with _lock:
        return _lock.wait_for(lambda: _State.pending == 0, timeout=timeout)


def _target_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    local = SyncToAsync.threadlocal
    main = getattr(local, "main_event_loop", None)
    if (
        main is not None
        and getattr(local, "main_event_loop_pid", None) == os.getpid()
        and main.is_running()
    ):
        return main  # type: ignore[no-any-return]
    return _background_loop()


def _background_loop() -> asyncio.AbstractEventLoop:
    with _lock:
        loop = _State.thread_loop
        if loop is None or loop.is_closed() or _State.thread_pid != os.getpid():
            loop = _State.thread_loop = asyncio.new_event_loop()
            _State.thread_pid = os.getpid()
            threading.Thread(target=loop.run_forever, name="realtime-pusher", daemon=True).start()
        return loop


def _enqueue(loop: asyncio.AbstractEventLoop, messages: list[Message]) -> None:
    """Runs on `loop`: queue the batch, starting that loop's sending task if needed."""
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = asyncio.Queue()
        task = loop.create_task(_send_forever(loop, queue))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
    queue.put_nowait(messages)


async def _send_forever(
    loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[list[Message]]
) -> None:
    try:
        while True:
            batch = await queue.get()
            layer = get_channel_layer()
            for group, message in batch:
                try:
                    await layer.group_send(group, message)
                except Exception:
                    logger.exception("live push to %s failed", group)
                finally:
                    _done(1)
    finally:  # the loop is closing: a later push starts a new task there (or elsewhere)
        _queues.pop(loop, None)
        left = sum(len(b) for b in _drain_nowait(queue))
        if left:
            _done(left)
            logger.warning("live push lost: %d group messages (event loop closed)", left)


def _drain_nowait(queue: asyncio.Queue[list[Message]]) -> list[list[Message]]:
    batches = []
    while not queue.empty():
        batches.append(queue.get_nowait())
    return batches


def _done(count: int) -> None:
    with _lock:
        _State.pending -= count
        _lock.notify_all()


@atexit.register
def _report_unsent() -> None:
    if not flush(timeout=2.0):
        logger.warning("process exits with %d live pushes not sent", _State.pending)
