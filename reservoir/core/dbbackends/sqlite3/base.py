"""Django's SQLite backend, with the threads of one process queueing for the write lock.

SQLite admits one writer at a time. Transactions begin IMMEDIATE (they take the write lock at
BEGIN), and a connection that finds the lock taken waits in SQLite's busy handler, which
sleeps 1, 2, 5, 10, ... up to 100 ms between tries and cannot be woken. With a dozen server
threads recording contacts that turned a 3 ms write into waits of 50-100 ms, and the
lock sat free while every waiter slept (HTTP ingestion stalled at about 250 requests a
second with the CPUs a third idle). Here the threads of a process first queue on a Python
lock, which hands over the moment the holder commits or rolls back; only one thread per
process then meets the busy handler, against the other processes. A thread that waits
longer than the connection's timeout gets the same "database is locked" error as from SQLite.
Nothing else differs from `django.db.backends.sqlite3`.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _write_lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_held: threading.Lock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        if getattr(self, "transaction_mode", None) not in ("IMMEDIATE", "EXCLUSIVE"):
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        lock = _write_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout=timeout):
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
