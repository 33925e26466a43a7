"""Backups of the embedded SQLite database with SQLite's online backup API, and restores,
each verified (integrity check, and every table's row count equal on both sides).

PostgreSQL installations use pg_dump / pg_restore (docs/security.md, "Backups").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(RuntimeError):
    """The backup or restore cannot go ahead; the message says why and what to do."""


#: Databases, their journals and backups: the owner may read and write, nobody else.
PRIVATE_FILE = 0o600


def make_private(path: Path) -> None:
    """``path`` and its SQLite journal files (if any) readable by the owner only."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            candidate.chmod(PRIVATE_FILE)


def private_sqlite(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """On each new SQLite connection (``connection_created``): the database file is private."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and name and not name.startswith(("file:", ":memory:")):
        make_private(Path(name))


def _require_sqlite() -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump and restore with pg_restore "
            "(see docs/security.md, Backups)"
        )


def _tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def counts(db: sqlite3.Connection) -> dict[str, int]:
    return {
        table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
        for table in _tables(db)
    }


def check(path: Path) -> dict[str, int]:
    """Open a backup read-only, check its integrity and that it is a Closeloop database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} failed the integrity check: {result}")
            tables = counts(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from None
    if "django_migrations" not in tables or "support_queue_supportitem" not in tables:
        raise BackupError(f"{path} is not a Closeloop database")
    return tables


def backup(path: Path) -> dict[str, int]:
    """Copy the live database to ``path`` (consistent even while it is in use)."""
    _require_sqlite()
    if path.exists():
        raise BackupError(f"{path} exists; choose a new file name")
    connection.ensure_connection()
    live = connection.connection
    # Created readable by the owner only, before any data goes in.
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    target = sqlite3.connect(path)
    try:
        live.backup(target)
    finally:
        target.close()
    make_private(path)
    copied = check(path)
    expected = counts(live)
    differ = {t for t in expected if copied.get(t) != expected[t]}
    if differ:
        raise BackupError(f"row counts differ after the copy in: {', '.join(sorted(differ))}")
    return copied


def restore(path: Path) -> dict[str, int]:
    """Replace the live database with the backup at ``path`` (stop the web servers and
    workers first), then verify that every table matches the backup."""
    _require_sqlite()
    expected = check(path)
    connection.ensure_connection()
    live = connection.connection
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(live)
    finally:
        source.close()
    restored = counts(live)
    if restored != expected:
        differ = sorted(
            set(restored) ^ set(expected) | {t for t in expected if restored.get(t) != expected[t]}
        )
        raise BackupError(f"the restored database differs from the backup in: {', '.join(differ)}")
    return restored
