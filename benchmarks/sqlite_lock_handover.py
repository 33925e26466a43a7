"""How much throughput SQLite's lock hand-over costs two writers:
``uv run python benchmarks/sqlite_lock_handover.py``.

Two processes each loop ``BEGIN IMMEDIATE``, one insert, a pause standing for the work a
transaction does (no CPU used, so the cores are not what limits), ``COMMIT``, then 5 ms of
work outside the transaction. With a perfect hand-over the two together commit 1000/W
transactions a second (W: ms held). A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps in growing steps instead of waking at the release; the second table queues
the writers on an operating-system lock (``flock``) before ``BEGIN IMMEDIATE`` instead, which
wakes the next one at the release. Prints one table per way; each row runs 8 seconds.
"""

from __future__ import annotations

import fcntl
import multiprocessing as mp
import os
import sqlite3
import tempfile
import time
from pathlib import Path

SECONDS = 8
HELD_MS = (10, 20, 35)


def writer(db: str, held_ms: int, os_lock: bool, results: mp.Queue) -> None:
    conn = sqlite3.connect(db, timeout=20, isolation_level=None)
    done, waited = 0, 0.0
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        started = time.perf_counter()
        fd = -1
        if os_lock:
            fd = os.open(db + ".lock", os.O_CREAT | os.O_RDWR)
            fcntl.flock(fd, fcntl.LOCK_EX)
        conn.execute("BEGIN IMMEDIATE")
        waited += time.perf_counter() - started
        conn.execute("INSERT INTO t (v) VALUES (1)")
        time.sleep(held_ms / 1000)
        conn.execute("COMMIT")
        if os_lock:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        done += 1
        time.sleep(0.005)
    results.put((done, waited * 1000 / max(done, 1)))


def run(held_ms: int, os_lock: bool) -> tuple[float, float]:
    db = str(Path(tempfile.mkdtemp(prefix="closeloop-lock-")) / "db.sqlite3")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    conn.commit()
    conn.close()
    results: mp.Queue = mp.Queue()
    procs = [mp.Process(target=writer, args=(db, held_ms, os_lock, results)) for _ in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    got = [results.get() for _ in procs]
    return sum(n for n, _ in got) / SECONDS, sum(w for _, w in got) / len(got)


def main() -> None:
    for os_lock in (False, True):
        print("\nwriters queue on", "an OS lock (flock)" if os_lock else "SQLite's busy handler")
        print(f"{'held in the lock':>18} {'commits/s':>10} {'ideal':>7} {'mean wait':>10}")
        for held in HELD_MS:
            per_s, wait_ms = run(held, os_lock)
            print(f"{held:>15} ms {per_s:>10.1f} {1000 / held:>7.1f} {wait_ms:>7.1f} ms")


if __name__ == "__main__":
    main()
