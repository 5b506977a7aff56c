"""Where the warehouse lives, and how it is written and read without blocking readers.

DuckDB lets one process write a file, and a read-only connection in another process cannot
open a file a writer holds. So every refresh writes a *new generation* of the file
(`warehouse.duckdb.g<ns>`, a copy of the current one for an incremental refresh) and then
swaps the symlink `warehouse.duckdb` to it with `os.replace` (atomic). Readers resolve the
symlink and keep one read-only connection per generation and process; a reader that still
holds an old generation keeps reading it until it asks again (deleting an open file is safe
on POSIX). A file lock (`warehouse.duckdb.lock`, fcntl) serialises writers.

Nothing is downloaded: extension auto-install and auto-load are switched off (ICU, used for
time zones, is compiled into the DuckDB wheel).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
from django.conf import settings

CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

_lock = threading.Lock()
_readers: dict[str, duckdb.DuckDBPyConnection] = {}  # generation file -> connection
_empty: dict[str, duckdb.DuckDBPyConnection] = {}  # "con" -> in-memory schema


def warehouse_path() -> Path:
    """The warehouse's public path (a symlink to the current generation)."""
    default = Path(settings.DATA_DIR) / "warehouse.duckdb"
    return Path(getattr(settings, "ANALYTICS_WAREHOUSE_PATH", default))


def current_file() -> Path | None:
    """The current generation file, or None before the first build."""
    path = warehouse_path()
    try:
        target = os.readlink(path)
    except (FileNotFoundError, OSError):
        return path if path.is_file() else None
    resolved = path.parent / target
    return resolved if resolved.exists() else None


@contextlib.contextmanager
def write_lock() -> Iterator[None]:
    """Hold the writers' file lock (blocks until the running refresh finishes)."""
    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def new_generation(*, copy_current: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a new generation; swap it in when the body succeeds.

    The caller must hold `write_lock()`. With `copy_current`, the new file starts as a copy
    of the current generation (incremental refresh); otherwise it starts empty. On error the
    new file is removed and the current generation stays. Old generations are deleted.
    """
    path = warehouse_path()
    target = path.parent / f"{path.name}.g{time.time_ns()}"
    current = current_file()
    if copy_current and current is not None:
        shutil.copyfile(current, target)
    con = duckdb.connect(str(target), config=CONFIG)
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
    except BaseException:
        con.close()
        target.unlink(missing_ok=True)
        Path(f"{target}.wal").unlink(missing_ok=True)
        raise
    link = path.parent / f"{path.name}.swap"
    link.unlink(missing_ok=True)
    os.symlink(target.name, link)
    os.replace(link, path)
    for old in path.parent.glob(f"{path.name}.g*"):
        if old.name != target.name and not old.name.endswith(".wal"):
            old.unlink(missing_ok=True)


def read_connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the current generation, read-only; an empty in-memory schema before the
    first build. Each call returns a fresh cursor (cheap), safe to use from one thread."""
    current = current_file()
    with _lock:
        if current is None:
            if "con" not in _empty:
                from reservoir.analytics.warehouse.schema import create_schema

                _empty["con"] = duckdb.connect(":memory:", config=CONFIG)
                create_schema(_empty["con"])
            return _empty["con"].cursor()
        key = str(current)
        con = _readers.get(key)
        if con is None:
            con = duckdb.connect(key, read_only=True, config=CONFIG)
            for old_key in [k for k in _readers if k != key]:
                # Close generations older than the previous one; keep one for threads still on it.
                if len(_readers) > 1:
                    with contextlib.suppress(Exception):
                        _readers.pop(old_key).close()
            _readers[key] = con
        return con.cursor()


def close_readers() -> None:
    """Close every cached read connection (tests, settings changes)."""
    with _lock:
        for con in _readers.values():
            with contextlib.suppress(Exception):
                con.close()
        _readers.clear()
        if "con" in _empty:
            _empty.pop("con").close()
