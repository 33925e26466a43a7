"""The ``closeloop`` command: Django's management commands and Closeloop's own."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _prepare_demo(argv: list[str]) -> None:
    # The demo's data directory decides where the database lives, so it must be known before
    # Django reads its settings; the demo command re-reads the same option for its help text.
    os.environ["CLOSELOOP_ENV"] = "demo"
    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            os.environ["CLOSELOOP_DATA_DIR"] = argv[index + 1]
        elif arg.startswith("--data-dir="):
            os.environ["CLOSELOOP_DATA_DIR"] = arg.split("=", 1)[1]


#: Written by ``closeloop demo`` in its data directory: commands run beside it use the demo.
DEMO_MARKER = "closeloop-demo"
DEFAULT_DATA_DIR = "closeloop-data"


def _beside_a_demo(argv: list[str]) -> list[str]:
    """Any command run where a demo keeps its data (``./closeloop-data``, or ``--data-dir``)
    uses the demo's settings, with no variables to set; ``--data-dir`` is taken out of the
    arguments (Django's commands do not know it). An explicit ``CLOSELOOP_ENV`` wins."""
    rest, data_dir = [argv[0]], os.environ.get("CLOSELOOP_DATA_DIR", "")
    skip = False
    for index, arg in enumerate(argv[1:], start=1):
        if skip:
            skip = False
            continue
        if arg == "--data-dir" and index + 1 < len(argv):
            data_dir, skip = argv[index + 1], True
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if data_dir:
        os.environ["CLOSELOOP_DATA_DIR"] = data_dir
    directory = Path(data_dir or DEFAULT_DATA_DIR)
    if "CLOSELOOP_ENV" not in os.environ and (directory / DEMO_MARKER).exists():
        os.environ["CLOSELOOP_ENV"] = "demo"
        os.environ.setdefault("CLOSELOOP_DATA_DIR", str(directory))
        sys.stderr.write(f"closeloop: using the demo in {directory.resolve()}\n")
    return rest


#: Commands that read and write text only (no database, no models, no templates, no
#: translations): run without Django's set-up, whose import of every app is most of their
#: start-up (about 2 CPU-seconds of ``closeloop classify``'s 2.7 on a small machine).
WITHOUT_APPS = frozenset({"classify"})


def _run_without_apps(argv: list[str]) -> None:
    """Run one of ``WITHOUT_APPS`` as Django would (its own options, ``--help``, errors,
    exit status), without loading the apps."""
    from closeloop.triage.management.commands.classify import Command

    Command().run_from_argv(argv)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "closeloop"
    if len(argv) > 1 and not argv[1].startswith("-"):
        # ``closeloop import-fhir`` runs the ``import_fhir`` command (modules use underscores).
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo(argv)
    else:
        argv = _beside_a_demo(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

    from closeloop.lib.envvars import EnvError

    try:
        if len(argv) > 1 and argv[1] in WITHOUT_APPS:
            _run_without_apps(argv)
            return
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except EnvError as exc:
        sys.stderr.write(f"closeloop: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
