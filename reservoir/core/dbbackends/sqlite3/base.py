"""Django's SQLite backend, with writers queueing for the write lock instead of polling it.

SQLite admits one writer at a time. Transactions begin IMMEDIATE (they take the write lock at
BEGIN), and a connection that finds the lock taken waits in SQLite's busy handler, which
sleeps 1, 2, 5, 10, ... up to 100 ms between tries and cannot be woken. With a dozen server
threads in a few processes recording contacts, a 1 ms write turned into waits of 50-100 ms
while the lock sat free and a third of the CPU idle (HTTP ingestion stalled near 250
requests a second). So before BEGIN a writer takes two locks of ours: a Python lock that
the threads of a process share (handed over the moment the holder commits or rolls back),
then an flock on `<database>-writelock` that the processes share (tried every 0.5-5 ms; the
kernel drops it if a process dies). SQLite's busy handler then only meets writers outside
this scheme (the sqlite3 shell, autocommit statements). A writer that waits longer than the
connection's timeout gets the same "database is locked" error as from SQLite.
Nothing else differs from `django.db.backends.sqlite3`. No flock where fcntl is missing.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from reservoir.core.dbbackends.sqlite3.creation import DatabaseCreation

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: threads still queue in-process
    fcntl = None  # type: ignore[assignment]


class _WriteLock:
    """The write lock of one database file for this process: a thread lock and an flock."""

    def __init__(self, path: str) -> None:
        self.threads = threading.Lock()
        self.fd = -1
        if fcntl is not None and path and path != ":memory:" and "mode=memory" not in path:
            self.fd = os.open(f"{path}-writelock", os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            return False
        if self.fd < 0:
            return True
        delay = 0.0005
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.threads.release()
                    return False
                time.sleep(delay)
                delay = min(delay * 2, 0.005)

    def release(self) -> None:
        if self.fd >= 0:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()

    def locked(self) -> bool:
        return self.threads.locked()


_locks: dict[str, _WriteLock] = {}
_locks_guard = threading.Lock()


def _write_lock(name: str) -> _WriteLock:
    with _locks_guard:
        lock = _locks.get(name)
        if lock is None:
            lock = _locks[name] = _WriteLock(name)
        return lock


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    _write_lock_held: _WriteLock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        if getattr(self, "transaction_mode", None) not in ("IMMEDIATE", "EXCLUSIVE"):
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        lock = _write_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout):
            raise OperationalError("database is locked")
        self._write_lock_held = lock
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        lock, self._write_lock_held = self._write_lock_held, None
        if lock is not None:
            lock.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
