"""The ``closeloop`` command: Django's management commands and Closeloop's own."""

from __future__ import annotations

import os
import sys


def _prepare_demo(argv: list[str]) -> None:
    # The demo's data directory decides where the database lives, so it must be known before
    # Django reads its settings; the demo command re-reads the same option for its help text.
    os.environ["CLOSELOOP_ENV"] = "demo"
    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            os.environ["CLOSELOOP_DATA_DIR"] = argv[index + 1]
        elif arg.startswith("--data-dir="):
            os.environ["CLOSELOOP_DATA_DIR"] = arg.split("=", 1)[1]


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "closeloop"
    if len(argv) > 1 and not argv[1].startswith("-"):
        # ``closeloop import-fhir`` runs the ``import_fhir`` command (modules use underscores).
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

    from closeloop.lib.envvars import EnvError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except EnvError as exc:
        sys.stderr.write(f"closeloop: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
