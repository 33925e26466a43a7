"""The hot fragments rendered with Jinja2: the queue's rows and the item page's action forms.

The queue page is the page people wait on most, and half of its time went to the Django
template engine resolving the same row's lookups and filters fifty times (measured with
``benchmarks/profile_intake.py``: 50 rows took ~35 ms of a ~66 ms page in process). The same
markup compiled by Jinja2 takes a fraction of that. Fragment caching was the other option; it
was not taken because a row shows the time since first contact and whether a promise is
overdue, which change every minute without the item changing, and the patient's and owner's
names, which change without the item's version changing: a cache keyed on the item's version
would show stale rows. The item page's fourteen action forms were the same case (each form's
fields, labels, URLs and conditions resolved by the Django engine: most of that page's template
time); their widgets, labels and errors render through ``forms_renderer``. Only these fragments
use Jinja2; the pages stay Django templates.
"""

from __future__ import annotations

import html
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime, override
from markupsafe import Markup

from closeloop.actions.registry import ACTIONS
from closeloop.core.types import User
from closeloop.security.permissions import visible_text
from closeloop.support_queue.models import SupportItem
from closeloop.support_queue.selectors import Suggestion
from closeloop.web.templatetags.closeloop import age, at, get_action_label, language

TEMPLATES = Path(__file__).parent / "jinja"

#: The columns the rows show and the rules they apply (who may read the summary) need: the page
#: reads these, not the 138 columns of an item with its practice, patient, category and owner.
#: Converting the unread values (a dozen dates per item on SQLite, JSON, sealed fields) was
#: about a seventh of the page's Python work (113,634 -> 98,324 calls per page in process).
#: A column read here but missing from this list costs a query per row;
#: ``test_queue_page_queries_do_not_grow_with_items`` catches that.
ROW_FIELDS = (
    "red_flag", "escalated", "patient", "caller_name", "practice", "category", "channel",
    "first_contact_at", "owner", "team", "promised_update_at", "status", "first_response_at",
    "first_response_due_at", "repeat_contact_count", "callback_attempts", "handoff_due_at",
    "summary",
    "patient__first_name", "patient__last_name",
    "practice__name", "practice__timezone",
    "category__name", "category__default_team",
    "owner__first_name", "owner__last_name", "owner__username",
    "language", "owner__staff__languages",
)  # fmt: skip


def _iso(when: datetime) -> str:
    """As Django's ``date:'c'`` (which is ``isoformat()`` of the value): ISO 8601 in the current
    time zone, without the date filter's format lookups (called for every row)."""
    return localtime(when).isoformat()


def escaped(value: Any) -> Markup:
    """Every value a fragment writes, escaped exactly as Django's ``conditional_escape`` does
    (``'`` as ``&#x27;``, as the Django templates write it) but without its lazy-string
    wrapper: this runs for every value of every row (~600 per queue page)."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())  # noqa: S704 - already safe HTML (as conditional_escape)
    return Markup(html.escape(str(value)))  # noqa: S704 - escaped here


#: (model, field) -> {value: label}, read once per process (labels translate when shown).
_LABELS: dict[tuple[type[Any], str], dict[Any, Any]] = {}


def display(instance: Any, field: str) -> str:
    """As ``instance.get_<field>_display()``, with the field's choices read once per process
    instead of hashed again for every call (three per row)."""
    key = (type(instance), field)
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = dict(instance._meta.get_field(field).flatchoices)
    value = getattr(instance, field)
    return str(labels.get(value, value))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        # Escaped as Django escapes (``'`` as ``&#x27;``): the same markup as the templates.
        finalize=escaped,
    )
    env.filters.update(age=age, at=at, iso=_iso, language=language)
    env.globals.update(display=display)
    return env


def queue_rows(
    items: list[SupportItem],
    *,
    user: User,
    now: datetime,
    several_practices: bool,
    asked: dict[int, datetime] | None = None,
) -> SafeString:
    """The ``<tr>`` rows of one queue page, as the signed-in person may see them. ``asked``
    ("Asked of me"): when this person's answer is due on each item, shown instead of the
    patient's promise."""
    prefix = reverse("item", args=[0]).removesuffix("0/")
    html = (
        environment()
        .get_template("web/queue_rows.html")
        .render(
            items=items,
            now=now,
            several_practices=several_practices,
            asked=asked,
            item_url=lambda pk: f"{prefix}{pk}/",
            shown=lambda item, field: visible_text(user, item, field),
        )
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)


def item_actions(
    request: HttpRequest,
    item: SupportItem,
    forms: dict[str, Any],
    *,
    zone: tzinfo,
    failed: str,
    error: str,
    suggestion: Suggestion,
) -> SafeString:
    """The item page's action forms: one button for an action without fields, an open-able
    form for each of the others (``failed``: the action refused, with its ``error``). Times in
    the forms are on the practice's clock (``zone``)."""
    prefix = reverse("item_action", args=[item.pk, "_"]).removesuffix("_/")
    with override(zone):
        html = (
            environment()
            .get_template("web/item_actions.html")
            .render(
                item=item,
                forms=forms,
                failed=failed,
                error=error,
                csrf=get_token(request),
                action_url=lambda name: f"{prefix}{name}/",
                preview_url=reverse("message_preview", args=[item.pk]),
                label=lambda name: get_action_label(ACTIONS, name),
                is_check=lambda field: getattr(field.field.widget, "input_type", "") == "checkbox",
                joined=lambda errors: conditional_escape(" ").join(map(conditional_escape, errors)),
                suggested=date_filter(suggestion.at.astimezone(zone), "D g:i A T"),
                suggested_why=suggestion.why,
            )
        )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)
