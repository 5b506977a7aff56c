"""A channel layer for one machine: in-memory delivery, with group messages shared by every
Reservoir process on it.

Without REDIS_URL, `reservoir serve` runs several server processes and the task worker is
another one: a browser's WebSocket lives in one process, while the interaction that should
update it may be recorded in any. This layer is Channels' in-memory layer plus a fan-out. A
process that has sockets in some group listens on a Unix datagram socket in a folder that
all processes of one installation agree on (settings derive it from the database);
`group_send` delivers to its own members and sends one datagram to each listening sibling,
which delivers to its members.

Why not a library: channels-redis needs a Redis server and channels-postgres PostgreSQL; the
embedded installation has neither, and the fan-out needs only the kernel. Limits: one machine
(use Redis for more); group messages must be JSON (Reservoir's carry ids); a datagram to a
sibling whose receive queue stays full for half a second is dropped and logged: a live view
then catches up at its next change or on reload (the chat widget and console resync).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import os
import secrets
import socket
from pathlib import Path
from typing import Any

from channels.layers import InMemoryChannelLayer

logger = logging.getLogger(__name__)

MAX_DATAGRAM = 64 * 1024
RETRY_SECONDS = 0.5


class LocalBroadcastChannelLayer(InMemoryChannelLayer):  # type: ignore[misc]
    """Channels' in-memory layer whose group messages reach every process on this machine.

    Side effects: a process that adds a channel to a group creates `<directory>/<name>.sock`
    (removed at exit; a sender removes those of dead processes).
    """

    def __init__(self, directory: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(directory)
        self._sock: socket.socket | None = None
        self._path: Path | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._out = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._out.setblocking(False)

    async def group_add(self, group: str, channel: str) -> None:
        await super().group_add(group, channel)
        self._listen(asyncio.get_running_loop())

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await super().group_send(group, message)
        await self._broadcast(group, message)

    async def flush(self) -> None:
        await super().flush()
        self._close()

    # ------------------------------------------------------------------ sending

    async def _broadcast(self, group: str, message: dict[str, Any]) -> None:
        try:
            data = json.dumps({"group": group, "message": message}).encode()
        except (TypeError, ValueError):
            logger.warning("group message for %s is not JSON; other processes miss it", group)
            return
        if len(data) > MAX_DATAGRAM:
            logger.warning("group message for %s is too large for other processes", group)
            return
        try:
            siblings = [p for p in self.directory.glob("*.sock") if p != self._path]
        except OSError:
            return
        for path in siblings:
            try:
                await self._send_to(data, path)
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    path.unlink()  # its process is gone
            except (BlockingIOError, OSError) as exc:
                logger.warning("group message for %s not delivered to %s: %s", group, path, exc)

    async def _send_to(self, data: bytes, path: Path) -> None:
        """Send one datagram; while the sibling's queue is full (the kernel queues only a few
        datagrams per socket), wait for it to drain, up to RETRY_SECONDS, so order holds."""
        deadline = asyncio.get_running_loop().time() + RETRY_SECONDS
        while True:
            try:
                self._out.sendto(data, str(path))
                return
            except BlockingIOError:
                if asyncio.get_running_loop().time() >= deadline:
                    raise
                await asyncio.sleep(0.002)

    # ---------------------------------------------------------------- receiving

    def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind this process's socket and read it on `loop` (once per loop)."""
        if self._loop is loop and self._sock is not None:
            return
        self._close()
        if not _private_folder(self.directory):
            return
        path = self.directory / f"{os.getpid()}-{secrets.token_hex(4)}.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(str(path))
        except OSError as exc:
            sock.close()
            logger.warning("cannot listen for other processes' group messages: %s", exc)
            return
        sock.setblocking(False)
        loop.add_reader(sock.fileno(), self._on_readable)
        self._sock, self._path, self._loop = sock, path, loop
        atexit.register(self._close)

    def _on_readable(self) -> None:
        assert self._sock is not None and self._loop is not None
        while True:
            try:
                data = self._sock.recv(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            try:
                decoded = json.loads(data)
                group, message = decoded["group"], decoded["message"]
            except (ValueError, KeyError, TypeError):
                logger.warning("ignored a malformed group message")
                continue
            self._loop.create_task(InMemoryChannelLayer.group_send(self, group, message))

    def _close(self) -> None:
        if self._sock is not None:
            if self._loop is not None and not self._loop.is_closed():
                with contextlib.suppress(Exception):
                    self._loop.remove_reader(self._sock.fileno())
            self._sock.close()
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
        self._sock, self._path, self._loop = None, None, None


def _private_folder(directory: Path) -> bool:
    """Create `directory` for this user only; refuse one another user owns or can write."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError as exc:
        logger.warning("cannot use %s for group messages: %s", directory, exc)
        return False
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        logger.warning("%s is not private to this user; group messages stay in-process", directory)
        return False
    return True
