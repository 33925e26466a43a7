"""``closeloop audit verify`` checks the audit log's hash chain and reports the first broken
link (exit status 1), and events not sealed yet apart; with ``--anchor`` or ``--anchor-file``
it also checks the chain still holds an anchor kept outside the database. ``closeloop audit
anchor`` prints the anchor of the chain as it is now (append it to a file kept elsewhere);
``closeloop audit seal`` links every event not yet in the chain that carries a good MAC (the
sweep does it every minute); ``--unkeyed`` also those without one, written before keyed events
(once, after upgrading from a version without them; check them first)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from closeloop.security import chain


class Command(BaseCommand):
    help = "Verify, anchor or seal the audit log's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["verify", "anchor", "seal"])
        parser.add_argument(
            "--unkeyed",
            action="store_true",
            help="seal: also events without a MAC (written before keyed events: an upgrade's)",
        )
        given = parser.add_mutually_exclusive_group()
        given.add_argument(
            "--anchor", help="verify: an anchor line (from the daily email or `audit anchor`)"
        )
        given.add_argument(
            "--anchor-file", type=Path, help="verify: a file of anchor lines; the last counts"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["what"] == "seal":
            sealed = chain.seal_all(unkeyed=bool(options["unkeyed"]))
            self.stdout.write(f"Sealed {sealed} audit event(s) into the chain.")
            return
        anchor = None
        if options["what"] == "verify":
            # argparse's values: a line (str) or a file (type=Path), at most one of them
            anchor = _anchor(
                cast(str | None, options["anchor"]), cast(Path | None, options["anchor_file"])
            )
        result = chain.verify(anchor=anchor)
        if not result.ok:
            raise CommandError(
                f"the audit chain is broken after {result.links} good link(s): {result.problem}"
            )
        if options["what"] == "anchor":
            now = timezone.now()
            self.stdout.write(chain.Anchor(now, result.links, result.head_hash).line())
            return
        lines = [f"Audit chain intact: {result.links} link(s); head {result.head_hash}."]
        if anchor is not None:
            lines.append(f"It holds the anchor of {anchor.at:%Y-%m-%d %H:%M} UTC.")
        if result.pending:
            lines.append(
                f"Not yet sealed: {result.pending} event(s) (the sweep seals new events every "
                "minute; `closeloop audit seal` does it now)."
            )
        if result.legacy:
            lines.append(f"Sealed before keyed events: {result.legacy} event(s) without a MAC.")
        if result.unkeyed:
            lines.append(
                f"Not in the chain: {result.unkeyed} event(s) without a MAC (the first is event "
                f"{result.first_unkeyed}). The sweep never seals them: after an upgrade from a "
                "version without keyed events they are its last ones (`closeloop audit seal "
                "--unkeyed`); otherwise they were written behind the application."
            )
        self.stdout.write("\n".join(lines))


def _anchor(line: str | None, path: Path | None) -> chain.Anchor | None:
    try:
        if line:
            return chain.Anchor.parse(line)
        if path:
            return chain.Anchor.last_in(path.read_text())
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return None
