from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from closeloop.core.languages import language_name
from closeloop.lib.phones import display_phone
from closeloop.messaging.models import ReviewDecision
from closeloop.metrics.presentation import humanize
from closeloop.practices.local_time import for_staff
from closeloop.security.permissions import Perm, has_perm, sees_clinical_details, visible_text
from closeloop.web.settings_sections import SECTIONS, Section

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (None removes a key); starts with ?."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def age(moment: datetime | None) -> str:
    """'3 hours' — one unit, for narrow columns."""
    if moment is None:
        return ""
    return timesince(moment, timezone.now(), depth=1)


@register.filter
def countdown(moment: datetime | None) -> str:
    """'in 2 hours, 5 minutes' or 'overdue by 20 minutes'."""
    if moment is None:
        return ""
    now = timezone.now()
    if moment <= now:
        return f"overdue by {timesince(moment, now, depth=2)}"
    return f"in {timeuntil(moment, now, depth=2)}"


@register.filter
def get_action_label(actions: dict[str, Any], name: str) -> str:
    action = actions.get(name)
    return action.label if action else name


@register.filter
def has_fields(forms: dict[str, Any], name: str) -> bool:
    form = forms.get(name)
    return bool(form and form.visible_fields())


@register.filter
def at(when: datetime | None, practice: Any) -> str:
    """A time on the clock of the practice it belongs to, labelled: "Mon Nov 30, 12:00 PM CST".
    Without a practice (a sign-in), UTC, labelled so."""
    if when is None:
        return ""
    if practice is None:
        return for_staff(_UTC_CLOCK, when)
    return for_staff(practice, when)


#: The clock of a time that belongs to no practice.
_UTC_CLOCK = SimpleNamespace(timezone="UTC")


@register.filter
def language(code: str) -> str:
    """ "Spanish" for ``es``: staff read languages by name, not by code."""
    return language_name(code) if code else ""


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def phone(number: str) -> str:
    """A stored E.164 number as people write it: +13125550144 → (312) 555-0144."""
    return display_phone(number) or number if number else ""


@register.filter
def emergency_script(practice: Any, language: str) -> str:
    return str(practice.emergency_script_for(language))


@register.filter
def minutes(value: Any) -> str:
    """Business minutes for people: '1 h 5 min', '—' when there is no figure."""
    return humanize(value, "minutes")


@register.filter
def share(value: Any) -> str:
    return humanize(value, "share")


@register.filter
def review_reason(code: str) -> str:
    return str(dict(ReviewDecision.choices).get(code, code))


@register.simple_tag(takes_context=True)
def shown(context: dict[str, Any], item: Any, field: str = "summary") -> str:
    """An item's free text as the signed-in person may see it (clinical items' text is for
    clinical staff)."""
    return visible_text(context["request"].user, item, field)


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], perm: str) -> bool:
    return has_perm(context["request"].user, Perm(perm))


@register.simple_tag(takes_context=True)
def sees_details(context: dict[str, Any], item: Any) -> bool:
    return sees_clinical_details(context["request"].user, item)


@register.simple_tag
def practice_settings_sections() -> tuple[Section, ...]:
    """The sections of a practice's Settings, for the menu every Settings page shows (no view
    has to remember to pass them)."""
    return SECTIONS
