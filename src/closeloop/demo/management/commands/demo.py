"""``closeloop demo``: a working Closeloop on 127.0.0.1 with synthetic data, one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from closeloop.cli import DEFAULT_DATA_DIR, DEMO_MARKER
from closeloop.demo.seed import DEMO_PASSWORD, demo_exists, seed

LOGINS = [
    ("admin", "organization admin, both practices"),
    ("supervisor", "supervisor, both practices"),
    ("frontdesk", "front desk, Riverside Family Medicine only"),
    ("maria", "bilingual support (English/Spanish), both practices"),
    ("nurse", "clinical staff, both practices"),
    ("billing", "billing support, Lakeside Dental only"),
]


class Command(BaseCommand):
    help = "Run the Closeloop demo: migrate, create synthetic data once, serve on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="Loopback address to bind.")
        parser.add_argument(
            "--data-dir",
            help="Where the demo keeps its SQLite database and secret (default ./closeloop-data).",
        )
        parser.add_argument("--patients", type=int, default=300)
        parser.add_argument("--items", type=int, default=2000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data and exit without serving."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CLOSELOOP_ENV != "demo":
            raise CommandError("run the demo as `closeloop demo` (it sets CLOSELOOP_ENV=demo)")
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {options['port']}")
        if options["patients"] < 1 or options["items"] < 0:
            raise CommandError("--patients must be at least 1 and --items not negative")
        console = Console(stderr=True)
        console.print(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        # Commands run beside this folder (or with --data-dir) use the demo's settings.
        (settings.DATA_DIR / DEMO_MARKER).write_text(
            "This folder holds a Closeloop demo (synthetic data). `closeloop` commands run "
            "beside it use it.\n"
        )
        if demo_exists():
            console.print("Reusing the demo data already in this data directory.")
        else:
            self._seed(console, options["patients"], options["items"])
        url = f"http://{options['host']}:{options['port']}/"
        default_dir = (Path.cwd() / DEFAULT_DATA_DIR).resolve() == settings.DATA_DIR
        beside = "" if default_dir else f" --data-dir {settings.DATA_DIR}"
        console.print(f"\n[bold]Closeloop demo[/bold] at {url}login/")
        for username, what in LOGINS:
            console.print(f"  {username:<11} {what}")
        console.print(f"  password for all: {DEMO_PASSWORD}\n")
        console.print(f"API token for maria: uv run closeloop token create --user maria{beside}\n")
        if options["no_serve"]:
            return
        self._serve(console, options["host"], options["port"])

    def _seed(self, console: Console, patients: int, items: int) -> None:
        columns = (
            TextColumn("Creating synthetic history"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("items", total=items)
            seed(
                patients=patients,
                items=items,
                progress=lambda n: progress.advance(task, n),
            )

    def _serve(self, console: Console, host: str, port: int) -> None:
        from waitress import serve

        from closeloop.wsgi import application

        # The background worker (tasks and the minute tick) runs beside the web server, on the
        # same data directory, and stops with it.
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "closeloop", "worker"],
            env={
                **os.environ,
                "CLOSELOOP_ENV": "demo",
                "CLOSELOOP_DATA_DIR": str(settings.DATA_DIR),
            },
        )
        console.print("Background worker started. Press Ctrl-C to stop.")

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt  # SIGTERM stops the demo like Ctrl-C: worker included

        signal.signal(signal.SIGTERM, stop)
        try:
            serve(application, host=host, port=port, threads=8, ident="closeloop")
        except KeyboardInterrupt:
            console.print("Stopped.")
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from None
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
