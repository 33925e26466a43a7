"""The sections of a practice's Settings, in one list: each a titled page with a form of its own
that saves its own fields and no other (``PracticeSectionForm``), and the rows that belong
beside it (holidays, the on-call rota, routes, webhooks) with their own small forms.

A new section is one entry here: its key (in the address), its title, its form and the
template that shows it (``settings/sections/<key>.html``), and what else that page lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from closeloop.outreach.writeback import write_back_status
from closeloop.practices.choices import Role
from closeloop.practices.models import ChannelRoute, OnCallShift, Practice, StaffProfile
from closeloop.web.settings_forms import (
    ContactTextsForm,
    EmergencyForm,
    HolidayForm,
    HoursForm,
    IntegrationsForm,
    LoopRulesForm,
    OnCallForm,
    RouteForm,
    WebhookForm,
)
from closeloop.webhooks.models import WebhookEndpoint, WebhookEvent


def clinicians(practice: Practice) -> Any:
    ids = [
        p.user_id
        for p in StaffProfile.objects.filter(practices=practice, user__is_active=True)
        if p.has_role(Role.CLINICAL)
    ]
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")


def _holidays(practice: Practice) -> dict[str, Any]:
    today = timezone.now().date()
    return {
        "holiday_form": HolidayForm(prefix="holiday"),
        "holidays": practice.holidays.filter(date__gte=today - timedelta(days=1)),
    }


def _routes(practice: Practice) -> dict[str, Any]:
    return {
        "route_form": RouteForm(practice=practice, prefix="route"),
        "routes": ChannelRoute.objects.filter(practice=practice).select_related("category"),
    }


def _rota(practice: Practice) -> dict[str, Any]:
    return {
        "oncall_form": OnCallForm(clinicians=clinicians(practice), prefix="oncall"),
        "shifts": OnCallShift.objects.filter(practice=practice, ends_at__gte=timezone.now())
        .select_related("clinician")
        .order_by("starts_at")[:60],
    }


def _integrations(practice: Practice) -> dict[str, Any]:
    return {
        "webhook_form": WebhookForm(events=WebhookEvent.choices, prefix="webhook"),
        "webhooks": WebhookEndpoint.objects.filter(practice=practice),
        "write_back": write_back_status(practice),
    }


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    #: Built as ``form(data, practice=..., prefix=key)``; has ``save_section()``.
    form: Callable[..., Any]
    #: What the page lists beside the form, with the unbound forms that add to it.
    extras: Callable[[Practice], dict[str, Any]] = field(default=lambda practice: {})

    @property
    def template(self) -> str:
        return f"settings/sections/{self.key}.html"

    def build(self, practice: Practice, data: Any = None) -> Any:
        return self.form(data, practice=practice, prefix=self.key)


SECTIONS: tuple[Section, ...] = (
    Section(
        "hours",
        pgettext_lazy("staff: a section of a practice's settings", "Business hours and holidays"),
        HoursForm,
        _holidays,
    ),
    Section(
        "contact",
        pgettext_lazy("staff: a section of a practice's settings", "Contact and texts"),
        ContactTextsForm,
    ),
    Section(
        "rules",
        pgettext_lazy("staff: a section of a practice's settings", "The loop's rules"),
        LoopRulesForm,
        _routes,
    ),
    Section(
        "emergencies",
        pgettext_lazy("staff: a section of a practice's settings", "Emergencies and on-call"),
        EmergencyForm,
        _rota,
    ),
    Section(
        "integrations",
        pgettext_lazy("staff: a section of a practice's settings", "Integrations and secrets"),
        IntegrationsForm,
        _integrations,
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}
