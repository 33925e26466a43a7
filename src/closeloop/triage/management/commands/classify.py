"""``closeloop classify``: JSON lines in ({"id", "text", "language"?}), suggestions out.

Each output line is ``{"id", "category", "red_flag", "urgency", "language", "reasons"}``. A line
that cannot be read gives ``{"id": ..., "error": "line N: ..."}`` in its place, and the command
exits with status 1 after reading everything (nothing is skipped silently).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.lib.classify import classify

MAX_TEXT = 20_000


def _suggest(line_number: int, line: str) -> tuple[dict[str, Any], bool]:
    try:
        message = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {line_number}: not JSON ({exc.msg})"}, False
    if not isinstance(message, dict):
        return {"id": None, "error": f"line {line_number}: expected an object"}, False
    identifier = message.get("id")
    text = message.get("text")
    if not isinstance(text, str):
        return {"id": identifier, "error": f'line {line_number}: "text" must be a string'}, False
    language = message.get("language")
    hint = language if isinstance(language, str) else None
    return {"id": identifier, **classify(text[:MAX_TEXT], language=hint).as_dict()}, True


class Command(BaseCommand):
    help = "Classify patient messages: JSON lines on stdin, suggestions as JSON lines on stdout."
    # Pure text in, text out: no database, so no deployment checks stand in the way of a pipe.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", default="-", help="File to read (default: stdin).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["input"]
        try:
            source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        failures = 0
        write = self.stdout.write
        number = 0
        with source:
            try:
                for number, line in enumerate(source, start=1):  # noqa: B007
                    if not line.strip():
                        continue
                    result, ok = _suggest(number, line)
                    failures += not ok
                    write(json.dumps(result, ensure_ascii=False))
            except UnicodeDecodeError:
                # (the error's own text quotes the bytes: only where they are)
                raise CommandError(f"line {number + 1}: not UTF-8 text") from None
        if failures:
            self.stderr.write(f"{failures} line(s) could not be classified")
            sys.exit(1)
