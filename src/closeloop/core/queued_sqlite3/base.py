"""Django's SQLite backend, with write transactions queued on an operating-system lock.

SQLite lets one writer in at a time. A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps in growing steps (1, 2, 5, 10 … 100 ms) and retries, instead of waking when
the lock is released: with short transactions most of the wait is sleep after the release.
``benchmarks/sqlite_lock_handover.py`` measures it (two writers holding the lock 10 ms: 65.5
commits/s, against 86.2 queued on ``flock`` and 100 ideal).

So a transaction here first takes an exclusive ``flock`` on a file beside the database (one per
database, ``<name>-writers.lock``), then ``BEGIN IMMEDIATE``; the kernel wakes the next waiter
when the holder commits or rolls back. The ``flock`` only orders the writers: SQLite's own lock
still guards the data, so a writer that does not take it (a statement outside a transaction,
``sqlite3`` at the shell, a backup) is as safe as before, only not queued. A process that dies
releases its ``flock`` with it. The wait is bounded by the connection's ``timeout``; after it the
transaction goes on to ``BEGIN IMMEDIATE`` and SQLite's busy handler, so a stuck writer ends in
SQLite's usual "database is locked" error, never in a wait without end.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base

POLL_S = 0.0005  # between tries while the lock is taken, until it is free or time is up


class DatabaseWrapper(base.DatabaseWrapper):
    # The four private hooks overridden below are Django's (django/db/backends/sqlite3/base.py,
    # base/base.py) but not in its type stubs: hence the ignores on the calls.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writers_fd: int | None = None
        self._writers_pid = 0  # a forked child opens its own: a shared one would share the lock
        self._writers_held = False

    def _writers_lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None  # one process: nothing to queue with
        return f"{self.settings_dict['NAME']}-writers.lock"

    def _take_writers_lock(self) -> None:
        path = self._writers_lock_path()
        if path is None or self._writers_held:
            return
        if self._writers_fd is None or self._writers_pid != os.getpid():
            self._writers_fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            self._writers_pid = os.getpid()
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(self._writers_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy handler takes over from here
                time.sleep(POLL_S)
            else:
                self._writers_held = True
                return

    def _release_writers_lock(self) -> None:
        if self._writers_held and self._writers_fd is not None:
            self._writers_held = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writers_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writers_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writers_lock()
            if self._writers_fd is not None:
                os.close(self._writers_fd)
                self._writers_fd = None
