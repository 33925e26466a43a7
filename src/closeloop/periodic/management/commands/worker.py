"""``closeloop worker``: background tasks and the minute tick, in one process.

Run any number, on any number of machines (PostgreSQL): tasks are claimed by one worker each,
and every step of the sweep claims its work with a conditional update. SIGTERM or Ctrl-C
finishes the current task and stops.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from closeloop.periodic.models import WorkerHeartbeat
from closeloop.periodic.sweep import sweep

logger = logging.getLogger(__name__)


def tick_forever(stop: threading.Event, interval: float, worker_id: str = "") -> None:
    """Sweep at the start of every interval until ``stop`` is set."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            close_old_connections()
            sweep()
            if worker_id:
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=worker_id, defaults={"last_tick_at": timezone.now()}
                )
        except Exception:
            logger.exception("sweep failed; retrying at the next tick")
        finally:
            close_old_connections()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
    connection.close()


class Command(BaseCommand):
    help = "Run background tasks and the minute tick (reminders, escalations, snapshots)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between task polls."
        )
        parser.add_argument("--tick", type=float, default=60.0, help="Seconds between sweeps.")
        parser.add_argument("--no-tick", action="store_true", help="Run tasks only.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=True,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        stop = threading.Event()
        ticker = None
        if not options["no_tick"]:
            ticker = threading.Thread(
                target=tick_forever,
                args=(stop, options["tick"], worker_id),
                name="closeloop-tick",
                daemon=True,
            )
            ticker.start()
        try:
            # Inside the try: a SIGTERM that lands while this line is written (the handlers
            # are already in place) still stops the tick and says so.
            self.stderr.write(
                f"closeloop worker {worker_id}: tasks and "
                f"{'no ' if ticker is None else ''}minute tick"
            )
            worker.run()  # returns, or raises SystemExit from its signal handler
        finally:
            stop.set()
            if ticker is not None:
                ticker.join(timeout=30)
            self.stderr.write("closeloop worker stopped")
