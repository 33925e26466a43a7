"""``closeloop demo``: a working Closeloop on 127.0.0.1 with synthetic data, one command."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from closeloop.cli import DEFAULT_DATA_DIR, DEMO_MARKER
from closeloop.demo.seed import (
    DEMO_PASSWORD,
    HistoryPlan,
    demo_exists,
    seed,
    seed_older_history,
)
from closeloop.security import chain

LOGINS = [
    ("admin", "organization admin, both practices"),
    ("supervisor", "supervisor, both practices"),
    ("frontdesk", "front desk, Riverside Family Medicine only"),
    ("maria", "bilingual support (English/Spanish), both practices"),
    ("nurse", "clinical staff, both practices"),
    ("drreyes", "clinician (Dr. Omar Reyes, English/Spanish), both practices"),
    ("billing", "billing support, Lakeside Dental only"),
]


#: In the data directory while the older weeks of the history are still to be written.
PLAN_FILE = "demo-history-plan.json"


def _progress(console: Console, title: str) -> Progress:
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console)


def _phase(console: Console, name: str, seconds: float) -> None:
    console.print(f"  [green]done[/green] {name} [dim]({seconds:.1f} s)[/dim]")


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
        parser.add_argument("--items", type=int, default=1600)
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data and exit without serving."
        )
        # Run by the demo itself: the older weeks of the history, beside the server.
        parser.add_argument("--older-history", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CLOSELOOP_ENV != "demo":
            raise CommandError("run the demo as `closeloop demo` (it sets CLOSELOOP_ENV=demo)")
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {options['port']}")
        if options["patients"] < 1 or options["items"] < 0:
            raise CommandError("--patients must be at least 1 and --items not negative")
        console = Console(stderr=True)
        plan_file = settings.DATA_DIR / PLAN_FILE
        if "CLOSELOOP_BASE_URL" not in os.environ:
            # Links in the demo's texts and emails (status pages, alerts) point at this demo.
            os.environ["CLOSELOOP_BASE_URL"] = f"http://{options['host']}:{options['port']}"
            settings.CLOSELOOP_BASE_URL = os.environ["CLOSELOOP_BASE_URL"]
        if options["older_history"]:
            self._older_history(console, plan_file)
            return
        console.print(f"Data directory: {settings.DATA_DIR}")
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        _phase(console, "Database tables", time.perf_counter() - started)
        # Commands run beside this folder (or with --data-dir) use the demo's settings.
        (settings.DATA_DIR / DEMO_MARKER).write_text(
            "This folder holds a Closeloop demo (synthetic data). `closeloop` commands run "
            "beside it use it.\n"
        )
        if demo_exists():
            console.print("Reusing the demo data already in this data directory.")
        else:
            # Serving: the last week first (the queue as it stands), the older weeks beside
            # the server. Not serving: everything now.
            plan = self._seed(
                console, options["patients"], options["items"], older_later=not options["no_serve"]
            )
            if plan is not None:
                plan_file.write_text(json.dumps(plan.as_json()))
        if options["no_serve"] and plan_file.exists():
            self._older_history(console, plan_file)
        if options["no_serve"]:
            # No worker runs beside a demo that is not served: seal the audit rows it wrote
            # into the hash chain, as the worker's sweep would (`closeloop audit verify`).
            started = time.perf_counter()
            sealed = chain.seal_all()
            _phase(console, f"Audit chain: {sealed} events sealed", time.perf_counter() - started)
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
        self._serve(console, options["host"], options["port"], older=plan_file.exists())

    def _seed(
        self, console: Console, patients: int, items: int, *, older_later: bool
    ) -> HistoryPlan | None:
        with _progress(console, "Creating synthetic history") as progress:
            task = progress.add_task("items", total=items)
            _, plan = seed(
                patients=patients,
                items=items,
                progress=lambda n: progress.advance(task, n),
                phase=lambda name, seconds: _phase(progress.console, name, seconds),
                older_later=older_later,
            )
            if plan is not None:
                progress.update(task, total=items - plan.items)
        return plan

    def _older_history(self, console: Console, plan_file: Path) -> None:
        plan = HistoryPlan.from_json(json.loads(plan_file.read_text()))
        with _progress(console, "Older weeks of the history") as progress:
            task = progress.add_task("items", total=plan.items, completed=plan.written)

            def committed(n: int) -> None:
                progress.advance(task, n)
                plan.written += n
                plan_file.write_text(json.dumps(plan.as_json()))

            seed_older_history(
                replace(plan),
                progress=committed,
                phase=lambda name, seconds: _phase(progress.console, name, seconds),
            )
        plan_file.unlink(missing_ok=True)

    def _serve(self, console: Console, host: str, port: int, *, older: bool) -> None:
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
        helpers = [worker]
        if older:
            # The metrics' older weeks are written beside the server, one item per transaction.
            helpers.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "closeloop", "demo", "--older-history"],
                    env={**os.environ, "CLOSELOOP_DATA_DIR": str(settings.DATA_DIR)},
                )
            )
            console.print(
                "The older weeks of the history are being written beside the server "
                "(metrics and the weekly review fill in as they arrive)."
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
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    helper.kill()
