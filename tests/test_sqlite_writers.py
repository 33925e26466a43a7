"""The SQLite backend queues write transactions on an operating-system lock beside the
database (``closeloop.core.queued_sqlite3``): held from BEGIN to COMMIT or ROLLBACK, released
whatever happens, and never waited on without end. A write outside a transaction queues the
same way, and a writer that just committed lets the writers already waiting go first."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from closeloop.lib.envvars import sqlite_database


def wrapper(path: Path, **options: Any) -> Any:
    """A connection of its own, through the settings' SQLite engine and options."""
    settings = sqlite_database(path)
    settings["OPTIONS"].update(options)
    return ConnectionHandler({"default": settings})["default"]


def begin(conn: Any) -> None:
    """What ``transaction.atomic`` does on SQLite to open a transaction."""
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(conn: Any, *, commit: bool = True) -> None:
    conn.commit() if commit else conn.rollback()
    conn.set_autocommit(True)


def lock_is_free(path: Path) -> bool:
    fd = os.open(f"{path}-writers.lock", os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


@pytest.fixture(autouse=True)
def own_files(django_db_blocker: Any) -> Iterator[None]:
    """These tests open databases of their own in a temporary folder, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "writers.sqlite3"
    conn = wrapper(path)
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.close()
    yield path


def test_the_engine_is_the_queued_backend() -> None:
    assert sqlite_database(Path("/tmp/x.sqlite3"))["ENGINE"] == "closeloop.core.queued_sqlite3"


@pytest.mark.parametrize("commit", [True, False])
def test_a_transaction_holds_the_lock_until_it_ends(db_path: Path, commit: bool) -> None:
    conn = wrapper(db_path)
    assert lock_is_free(db_path)
    begin(conn)
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES ('x')")
    assert not lock_is_free(db_path)
    end(conn, commit=commit)
    assert lock_is_free(db_path)
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == (1 if commit else 0)
    conn.close()


def test_closing_the_connection_releases_the_lock(db_path: Path) -> None:
    conn = wrapper(db_path)
    begin(conn)
    assert not lock_is_free(db_path)
    conn.close()
    assert lock_is_free(db_path)


def test_a_second_writer_waits_for_the_first_to_commit(db_path: Path) -> None:
    first, events = wrapper(db_path), []
    begin(first)
    started = threading.Event()

    def second_writer() -> None:
        second = wrapper(db_path)
        started.set()
        begin(second)  # queues on the lock the first holds
        events.append("second began")
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('second')")
        end(second)
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    started.wait()
    thread.join(timeout=0.3)
    assert thread.is_alive() and events == []  # still queued behind the first
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES ('first')")
    events.append("first committed")
    end(first)
    thread.join(timeout=10)
    assert events == ["first committed", "second began"]
    with first.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()


def test_a_lock_never_released_is_waited_on_only_for_the_timeout(db_path: Path) -> None:
    # A holder that is not a SQLite writer (or is stuck): after the connection's timeout the
    # transaction goes on to SQLite's own lock, which is free here, and the write succeeds.
    holder = os.open(f"{db_path}-writers.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        conn = wrapper(db_path, timeout=0.2)
        begin(conn)
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('x')")
        end(conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 1
        conn.close()
    finally:
        os.close(holder)


def test_a_failed_begin_releases_the_lock(db_path: Path) -> None:
    # SQLite's own lock held by a writer outside the queue (the sqlite3 shell, a backup):
    # BEGIN IMMEDIATE fails after the timeout, and the queue's lock does not stay taken.
    import sqlite3

    outsider = sqlite3.connect(db_path, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    try:
        # (without the settings' busy_timeout PRAGMA, which would wait 20 s)
        conn = wrapper(db_path, timeout=0.1, init_command="PRAGMA journal_mode=WAL")
        with pytest.raises(Exception, match="locked"):
            begin(conn)
        assert lock_is_free(db_path)
        conn.close()
    finally:
        outsider.execute("ROLLBACK")
        outsider.close()


def test_a_write_outside_a_transaction_waits_its_turn_in_the_writers_queue(
    db_path: Path,
) -> None:
    # Django's plain save(), update() and delete() write in autocommit, with no transaction
    # of their own: such a write must queue like a transaction, not go around the queue to
    # SQLite's busy handler (where writers handing the lock to each other starve it).
    holder = os.open(f"{db_path}-writers.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    done = threading.Event()

    def write() -> None:
        conn = wrapper(db_path)
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('autocommit')")
        done.set()
        conn.close()

    thread = threading.Thread(target=write)
    try:
        thread.start()
        assert not done.wait(timeout=0.3)  # queued behind the holder
    finally:
        os.close(holder)
    thread.join(timeout=10)
    assert done.is_set()
    assert lock_is_free(db_path)  # taken for the one statement, then let go
    conn = wrapper(db_path)
    with conn.cursor() as cursor:
        cursor.execute("SELECT v FROM t")
        assert cursor.fetchall() == [("autocommit",)]
    conn.close()


def test_a_read_outside_a_transaction_does_not_queue(db_path: Path) -> None:
    holder = os.open(f"{db_path}-writers.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        conn = wrapper(db_path, timeout=0.2)
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 0
        conn.close()
    finally:
        os.close(holder)


def test_a_writer_that_just_committed_lets_a_waiting_writer_go_first(db_path: Path) -> None:
    # A bulk writer (the demo's older weeks, a long import) commits and begins again at once;
    # a writer already waiting gets the lock at that hand-over, not after the whole run.
    bulk = wrapper(db_path)
    begin(bulk)
    order: list[str] = []

    def waiting_writer() -> None:
        waiting = wrapper(db_path)
        begin(waiting)  # queues behind the bulk writer
        order.append("waiting writer")
        with waiting.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('waiting')")
        end(waiting)
        waiting.close()

    thread = threading.Thread(target=waiting_writer)
    thread.start()
    thread.join(timeout=0.1)  # let it reach the queue
    for n in range(100):
        with bulk.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('bulk')")
        order.append(f"bulk {n}")
        end(bulk)
        begin(bulk)
    end(bulk)
    thread.join(timeout=30)
    assert "waiting writer" in order[:10], order[:20]
    bulk.close()


def test_a_write_outside_a_transaction_that_fails_lets_the_lock_go(db_path: Path) -> None:
    conn = wrapper(db_path)
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO t (id, v) VALUES (1, 'x')")
        with pytest.raises(Exception, match="UNIQUE"):
            cursor.execute("INSERT INTO t (id, v) VALUES (1, 'again')")
    assert lock_is_free(db_path)
    conn.close()
