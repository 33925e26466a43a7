"""How much throughput SQLite's lock hand-over costs two writers:
``uv run python benchmarks/sqlite_lock_handover.py [--writers 2] [--back-to-back]``.

Two processes each loop ``BEGIN IMMEDIATE``, one insert, a pause standing for the work a
transaction does (no CPU used, so the cores are not what limits), ``COMMIT``, then 5 ms of
work outside the transaction. With a perfect hand-over the two together commit 1000/W
transactions a second (W: ms held). A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps in growing steps instead of waking at the release; the second table queues
the writers on an operating-system lock (``flock``) before ``BEGIN IMMEDIATE`` instead, which
wakes the next one at the release; the third goes through Closeloop's SQLite engine
(``closeloop.core.queued_sqlite3``: ``flock``, polled, and a gate for the writer next in line).
Prints one table per way, with each writer's commits; each row runs 8 seconds.
``--back-to-back`` drops the 5 ms outside the transaction: a writer begins again the moment it
commits (a bulk writer), and the commits per writer show whether the others still get turns.
"""

from __future__ import annotations

import argparse
import fcntl
import multiprocessing as mp
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

SECONDS = 8
HELD_MS = (10, 20, 35)
WAYS = {
    "busy": "SQLite's busy handler",
    "flock": "an OS lock (flock)",
    "engine": "closeloop.core.queued_sqlite3",
}


def engine_connection(db: str) -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")
    os.environ.setdefault("CLOSELOOP_ENV", "development")
    import django

    django.setup()
    from django.db.utils import ConnectionHandler

    from closeloop.lib.envvars import sqlite_database

    return ConnectionHandler({"default": sqlite_database(Path(db))})["default"]


def writer(db: str, held_ms: int, way: str, pause: float, results: mp.Queue) -> None:
    engine = engine_connection(db) if way == "engine" else None
    conn = sqlite3.connect(db, timeout=20, isolation_level=None)
    done, waited = 0, 0.0
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        started = time.perf_counter()
        if engine is not None:
            engine.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            waited += time.perf_counter() - started
            with engine.cursor() as cursor:
                cursor.execute("INSERT INTO t (v) VALUES (1)")
            time.sleep(held_ms / 1000)
            engine.commit()
            engine.set_autocommit(True)
        else:
            fd = -1
            if way == "flock":
                fd = os.open(db + ".lock", os.O_CREAT | os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX)
            conn.execute("BEGIN IMMEDIATE")
            waited += time.perf_counter() - started
            conn.execute("INSERT INTO t (v) VALUES (1)")
            time.sleep(held_ms / 1000)
            conn.execute("COMMIT")
            if way == "flock":
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        done += 1
        if pause:  # (even a sleep of 0 lets the other process run: none when back to back)
            time.sleep(pause)
    results.put((done, waited * 1000 / max(done, 1)))


def run(held_ms: int, way: str, writers: int, pause: float) -> tuple[list[int], float]:
    db = str(Path(tempfile.mkdtemp(prefix="closeloop-lock-")) / "db.sqlite3")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    conn.commit()
    conn.close()
    results: mp.Queue = mp.Queue()
    procs = [
        mp.Process(target=writer, args=(db, held_ms, way, pause, results)) for _ in range(writers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    got = [results.get() for _ in procs]
    return sorted(n for n, _ in got), sum(w for _, w in got) / len(got)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--back-to-back", action="store_true")
    parser.add_argument(
        "--ways", default="busy,flock,engine", help="comma-separated: " + ", ".join(WAYS)
    )
    args = parser.parse_args()
    pause = 0.0 if args.back_to_back else 0.005
    for way in args.ways.split(","):
        print(f"\n{args.writers} writers queue on {WAYS[way]}")
        print(
            f"{'held in the lock':>18} {'commits/s':>10} {'ideal':>7} {'mean wait':>10}  per writer"
        )
        for held in HELD_MS:
            each, wait_ms = run(held, way, args.writers, pause)
            per_s = sum(each) / SECONDS
            print(f"{held:>15} ms {per_s:>10.1f} {1000 / held:>7.1f} {wait_ms:>7.1f} ms  {each}")


if __name__ == "__main__":
    main()
