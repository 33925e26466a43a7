"""Writing history: a backfill, an import, the demo's past weeks written on a moved clock.

Inside ``writing_history()`` everything that happened is recorded as it happened — timelines,
messages to patients, staff alerts — and nothing leaves: no text or email to a patient, no
alert email or text to staff, no webhook. What the worker would send "late" about a past that
is already over is exactly what must never be sent (issue 30: hundreds of "did we resolve your
request?" texts about items closed weeks earlier, all in one minute).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_writing: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "closeloop_writing_history", default=False
)


@contextmanager
def writing_history() -> Iterator[None]:
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def is_history() -> bool:
    """True while history is being written: record, never send."""
    return _writing.get()
