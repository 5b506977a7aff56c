"""Test databases of the SQLite backend: removing one also removes its write-lock file."""

from __future__ import annotations

import contextlib
import os

from django.db.backends.sqlite3 import creation


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]
        with contextlib.suppress(OSError):
            os.remove(f"{test_database_name}-writelock")
