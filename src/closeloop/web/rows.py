"""The queue's rows, rendered with Jinja2.

The queue page is the page people wait on most, and half of its time went to the Django
template engine resolving the same row's lookups and filters fifty times (measured with
``benchmarks/profile_intake.py``: 50 rows took ~35 ms of a ~66 ms page in process). The same
markup compiled by Jinja2 takes a fraction of that. Fragment caching was the other option; it
was not taken because a row shows the time since first contact and whether a promise is
overdue, which change every minute without the item changing, and the patient's and owner's
names, which change without the item's version changing: a cache keyed on the item's version
would show stale rows. Only this hot fragment uses Jinja2; the pages stay Django templates.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from closeloop.queue.models import SupportItem
from closeloop.security.permissions import visible_text
from closeloop.web.templatetags.closeloop import age, at

TEMPLATES = Path(__file__).parent / "jinja"


def _iso(when: datetime) -> str:
    """As Django's ``date:'c'``: ISO 8601 in the current time zone."""
    return str(date_filter(localtime(when), "c"))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        # Escaped as Django escapes (``'`` as ``&#x27;``): the same markup as the templates.
        finalize=conditional_escape,
    )
    env.filters.update(age=age, at=at, iso=_iso)
    return env


def queue_rows(
    items: list[SupportItem], *, user: Any, now: datetime, several_practices: bool
) -> SafeString:
    """The ``<tr>`` rows of one queue page, as the signed-in person may see them."""
    prefix = reverse("item", args=[0]).removesuffix("0/")
    html = (
        environment()
        .get_template("web/queue_rows.html")
        .render(
            items=items,
            now=now,
            several_practices=several_practices,
            item_url=lambda pk: f"{prefix}{pk}/",
            shown=lambda item, field: visible_text(user, item, field),
        )
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)
