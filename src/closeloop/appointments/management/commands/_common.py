"""What both import commands share: the practice argument, the progress bar, the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError, OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from closeloop.appointments.importer import ImportSummary
from closeloop.practices.models import Practice


def get_practice(slug: str) -> Practice:
    try:
        return Practice.objects.get(slug=slug)
    except Practice.DoesNotExist:
        known = ", ".join(Practice.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"no practice {slug!r} (practices: {known})") from None


@contextmanager
def progress_bar(total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (stdout keeps the summary for scripts)."""
    console = Console(stderr=True)
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def report(stdout: OutputWrapper, summary: ImportSummary) -> None:
    for line in summary.lines():
        stdout.write(line)
