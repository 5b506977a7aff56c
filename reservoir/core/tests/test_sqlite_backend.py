"""The SQLite backend's write lock: held from BEGIN to COMMIT/ROLLBACK, never leaked.

Runs on a SQLite file of its own, whatever database the suite is configured with.
"""

import fcntl
import os
import threading
from pathlib import Path

import pytest
from django.db import OperationalError

from reservoir.core.dbbackends.sqlite3.base import DatabaseWrapper, _write_lock


def _wrapper(path: Path, *, timeout: float = 5, mode: str | None = "IMMEDIATE") -> DatabaseWrapper:
    settings = {
        "ENGINE": "reservoir.core.dbbackends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": mode, "timeout": timeout},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings, alias=f"lock-test-{path.name}")
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker):
    with django_db_blocker.unblock():  # a file of these tests' own, not the suite's database
        yield


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "lock.sqlite3"
    setup = _wrapper(path)
    setup.cursor().execute("CREATE TABLE counter (n INTEGER)")
    setup.cursor().execute("INSERT INTO counter VALUES (0)")
    setup.close()
    return path


def test_lock_is_held_from_begin_until_commit_when_writing(db_file):
    conn = _wrapper(db_file)
    lock = _write_lock(str(db_file))

    conn._start_transaction_under_autocommit()
    held = lock.locked()
    conn.cursor().execute("UPDATE counter SET n = n + 1")
    conn.commit()

    assert held and not lock.locked()
    conn.close()


def test_lock_is_released_when_the_transaction_rolls_back_or_the_connection_closes(db_file):
    conn = _wrapper(db_file)
    lock = _write_lock(str(db_file))

    conn._start_transaction_under_autocommit()
    conn.rollback()
    after_rollback = lock.locked()
    conn._start_transaction_under_autocommit()
    conn.close()

    assert not after_rollback and not lock.locked()


def test_a_writer_waiting_longer_than_the_timeout_is_told_the_database_is_locked(db_file):
    conn = _wrapper(db_file, timeout=0.05)
    lock = _write_lock(str(db_file))
    lock.acquire(5)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            conn._start_transaction_under_autocommit()
    finally:
        lock.release()
    conn._start_transaction_under_autocommit()  # free again: the failed wait left nothing held
    conn.commit()
    conn.close()


def test_a_writer_waits_for_another_process_holding_the_file_lock(db_file):
    conn = _wrapper(db_file, timeout=0.05)
    other = os.open(f"{db_file}-writelock", os.O_RDWR | os.O_CREAT)  # as another process would
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            conn._start_transaction_under_autocommit()
        thread_lock_free = not _write_lock(str(db_file)).locked()
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    conn._start_transaction_under_autocommit()
    conn.commit()
    conn.close()

    assert thread_lock_free


def test_deferred_transactions_do_not_take_the_lock(db_file):
    conn = _wrapper(db_file, mode=None)

    conn._start_transaction_under_autocommit()

    assert not _write_lock(str(db_file)).locked()
    conn.rollback()
    conn.close()


def test_threads_writing_at_once_all_commit_when_they_queue_on_the_lock(db_file):
    errors: list[BaseException] = []

    def writer() -> None:
        conn = _wrapper(db_file)
        try:
            for _ in range(25):
                conn._start_transaction_under_autocommit()
                conn.cursor().execute("UPDATE counter SET n = n + 1")
                conn.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    check = _wrapper(db_file)
    count = check.cursor().execute("SELECT n FROM counter").fetchone()[0]
    check.close()

    assert errors == [] and count == 100
