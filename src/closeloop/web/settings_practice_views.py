"""A practice's Settings, section by section (``closeloop.web.settings_sections``): each
section's form saves its own fields and no other, says "Saved" when it did, and on a refusal
shows the errors beside the fields with what was typed kept (422). The rows listed in a
section (holidays, the on-call rota, routes, webhooks) are added and removed by small forms of
their own. Scoped like every Settings page: another practice's is a 404; every change is
audited through the models' saves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closeloop.practices import config
from closeloop.practices.local_time import zone
from closeloop.practices.models import ChannelRoute, Holiday, OnCallShift, Practice
from closeloop.web.settings_forms import HolidayForm, OnCallForm, RouteForm, WebhookForm
from closeloop.web.settings_sections import BY_KEY, SECTIONS, Section, clinicians
from closeloop.web.settings_views import _common, _practice
from closeloop.webhooks.models import WebhookEndpoint, WebhookEvent


def _section(key: str) -> Section:
    section = BY_KEY.get(key)
    if section is None:
        raise Http404("No such section of a practice's settings")
    return section


def _page(
    request: HttpRequest,
    practice: Practice,
    section: Section,
    form: Any = None,
    **overrides: Any,
) -> HttpResponse:
    """The section's page: its form (``form`` when a refused one is shown again), the rows it
    lists and their small forms (``overrides``: a refused one of those)."""
    refused = (form is not None and form.errors) or any(
        getattr(f, "errors", None) for f in overrides.values()
    )
    context = _common(
        request,
        practice=practice,
        section=section,
        form=form if form is not None else section.build(practice),
        **{**section.extras(practice), **overrides},
    )
    with timezone.override(zone(practice.timezone)):
        return render(request, "settings/practice.html", context, status=422 if refused else 200)


def _to_section(practice: Practice, key: str) -> HttpResponse:
    return redirect("settings_practice_section", slug=practice.slug, section=key)


@login_required
@require_GET
def practice_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A practice's Settings open on their first section."""
    return _page(request, _practice(request, slug), SECTIONS[0])


@login_required
@require_http_methods(["GET", "POST"])
def practice_section(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    practice = _practice(request, slug)
    chosen = _section(section)
    if request.method == "GET":
        return _page(request, practice, chosen)
    with timezone.override(zone(practice.timezone)):
        form = chosen.build(practice, request.POST)
        if form.is_valid():
            with transaction.atomic():
                form.save_section()
            messages.success(
                request,
                pgettext("staff: a settings section was saved", "Saved: %(section)s.")
                % {"section": chosen.title},
            )
            return _to_section(practice, chosen.key)
    messages.error(
        request,
        pgettext(
            "staff: a settings section was refused", "Not saved: see the fields marked below."
        ),
    )
    return _page(request, practice, chosen, form)


def _remove(request: HttpRequest, slug: str, model: Any, pk: int, key: str) -> HttpResponse:
    """Remove one of the practice's rows (a holiday, a shift, a route), each through its own
    delete so the audit log records it; another practice's row is left alone."""
    practice = _practice(request, slug)
    for row in model.objects.filter(practice=practice, pk=pk):
        row.delete()
    return _to_section(practice, key)


def _add(
    request: HttpRequest,
    slug: str,
    form: Callable[[Practice], forms.Form],
    model: Any,
    section: str,
    *,
    done: Callable[[Practice, Any], HttpResponse] | None = None,
) -> HttpResponse:
    """Add one of the practice's rows (a shift, a route, a webhook) from its small form: the
    model's rules judge it and its own save records it in the audit log. Times are typed on the
    practice's clock; a refused form (by the form or the model) is shown again in its section
    (``<prefix>_form``)."""
    practice = _practice(request, slug)
    with timezone.override(zone(practice.timezone)):
        bound = form(practice)
        if bound.is_valid():
            row = model(practice=practice, **bound.cleaned_data)
            try:
                row.full_clean()  # the model's rules too (one route per channel and category)
            except ValidationError as refused:
                for name, problems in refused.message_dict.items():
                    bound.add_error(name if name in bound.fields else None, problems)
            else:
                row.save()
                return done(practice, row) if done else _to_section(practice, section)
    return _page(request, practice, BY_KEY[section], **{f"{bound.prefix}_form": bound})


@login_required
@require_POST
def holiday_add(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    form = HolidayForm(request.POST, prefix="holiday")
    if form.is_valid():
        if practice.holidays.filter(date=form.cleaned_data["date"]).exists():
            form.add_error("date", "That day is already a holiday of this practice.")
        else:
            Holiday.objects.create(practice=practice, **form.cleaned_data)
            return _to_section(practice, "hours")
    return _page(request, practice, BY_KEY["hours"], holiday_form=form)


@login_required
@require_POST
def holiday_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _remove(request, slug, Holiday, pk, "hours")


@login_required
@require_POST
def oncall_add(request: HttpRequest, slug: str) -> HttpResponse:
    def form(practice: Practice) -> OnCallForm:
        return OnCallForm(request.POST, clinicians=clinicians(practice), prefix="oncall")

    return _add(request, slug, form, OnCallShift, "emergencies")


@login_required
@require_POST
def oncall_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _remove(request, slug, OnCallShift, pk, "emergencies")


@login_required
@require_POST
def route_add(request: HttpRequest, slug: str) -> HttpResponse:
    def form(practice: Practice) -> RouteForm:
        return RouteForm(request.POST, practice=practice, prefix="route")

    return _add(request, slug, form, ChannelRoute, "rules")


@login_required
@require_POST
def route_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _remove(request, slug, ChannelRoute, pk, "rules")


@login_required
@require_POST
def webhook_add(request: HttpRequest, slug: str) -> HttpResponse:
    def form(practice: Practice) -> WebhookForm:
        return WebhookForm(request.POST, events=WebhookEvent.choices, prefix="webhook")

    def secret_shown_once(practice: Practice, endpoint: WebhookEndpoint) -> HttpResponse:
        return _page(request, practice, BY_KEY["integrations"], new_secret=endpoint.secret)

    return _add(request, slug, form, WebhookEndpoint, "integrations", done=secret_shown_once)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice(request, slug)
    WebhookEndpoint.objects.filter(practice=practice, pk=pk).update(active=False)
    config.changed(practice.pk)
    return _to_section(practice, "integrations")
