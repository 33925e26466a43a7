"""Django's SQLite backend, with writes queued on operating-system locks.

SQLite lets one writer in at a time. A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps in growing steps (1, 2, 5, 10 … 100 ms) and retries, instead of waking when
the lock is released: with short transactions most of the wait is sleep after the release.
``benchmarks/sqlite_lock_handover.py`` measures it (two writers holding the lock 10 ms: 65.5
commits/s, against 86.2 queued on ``flock`` and 100 ideal).

So a transaction here first takes an exclusive ``flock`` on a file beside the database (one per
database, ``<name>-writers.lock``), then ``BEGIN IMMEDIATE``, and lets it go at commit or
rollback; a waiting writer takes it within ``POLL_S`` of the release. A write outside a
transaction (Django's plain ``save()``, ``update()`` and ``delete()`` run in autocommit) is a
transaction of its own and queues the same way, for that one statement; reads outside a
transaction never queue (WAL: they do not wait for writers).

Turns: one waiting writer at a time holds a second lock, ``<name>-writers.gate``, while it
waits for the first, and lets the gate go once it has its turn. A writer that commits and
begins again at once (a bulk writer: the demo's older weeks, a long import) must pass the gate
too, so it cannot take the lock back ahead of a writer already waiting: the writers that wait
share the turns instead of sleeping until "database is locked".

The locks only order the writers: SQLite's own lock still guards the data, so a writer that
does not take them (``sqlite3`` at the shell, a backup) is as safe as before, only not queued.
A process that dies releases its locks with it. The wait is bounded by the connection's
``timeout``; after it the write goes on to SQLite's busy handler, so a stuck writer ends in
SQLite's usual "database is locked" error, never in a wait without end.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.sqlite3 import base

POLL_S = 0.0005  # between tries while a lock is taken, until it is free or time is up
#: Statements that only read: outside a transaction they never wait for a writer (WAL).
READS = re.compile(r"\s*(SELECT|EXPLAIN)\b", re.IGNORECASE)


def _lock_before(fd: int, deadline: float) -> bool:
    """Takes the exclusive ``flock`` on ``fd``; False when ``deadline`` passed first."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)
        else:
            return True


class QueuedCursor(base.SQLiteCursorWrapper):
    """Runs each statement through ``DatabaseWrapper.queued``."""

    wrapper: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        with self.wrapper.queued(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self.wrapper.queued(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    # The three private hooks overridden below are Django's (django/db/backends/sqlite3/base.py,
    # base/base.py) but not in its type stubs: hence the ignores on the calls.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writers_fd: int | None = None
        self._gate_fd: int | None = None
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
        if self._writers_fd is None or self._gate_fd is None or self._writers_pid != os.getpid():
            flags = os.O_CREAT | os.O_RDWR | os.O_CLOEXEC
            self._writers_fd = os.open(path, flags, 0o600)
            self._gate_fd = os.open(path.removesuffix(".lock") + ".gate", flags, 0o600)
            self._writers_pid = os.getpid()
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        if not _lock_before(self._gate_fd, deadline):
            return  # SQLite's busy handler takes over from here
        try:
            self._writers_held = _lock_before(self._writers_fd, deadline)
        finally:
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def _release_writers_lock(self) -> None:
        if self._writers_held and self._writers_fd is not None:
            self._writers_held = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def create_cursor(self, name: str | None = None) -> QueuedCursor:
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.wrapper = self
        return cursor

    @contextmanager
    def queued(self, sql: str) -> Iterator[None]:
        """Runs one statement. Outside a transaction, anything but a read takes the writers'
        lock first: the ``BEGIN`` of ``transaction.atomic`` (Django sends it through a cursor)
        keeps it until commit or rollback; a write in autocommit, for that one statement."""
        if not (self._writers_held or self.connection.in_transaction or READS.match(sql)):
            self._take_writers_lock()
        try:
            yield
        finally:
            # Outside a transaction now (an autocommit write done, a BEGIN that failed):
            # nothing is left to guard.
            if self._writers_held and not self.connection.in_transaction:
                self._release_writers_lock()

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
            for fd in (self._writers_fd, self._gate_fd):
                if fd is not None:
                    os.close(fd)
            self._writers_fd = self._gate_fd = None
