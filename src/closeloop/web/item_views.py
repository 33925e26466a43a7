"""The item page and its actions (generated from the action registry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from closeloop.actions import access
from closeloop.actions.inputs import Kind
from closeloop.actions.registry import ACTIONS, AFTER_HOURS, VIEW_DETAILS, Action, run
from closeloop.appointments.selectors import upcoming_for_patient
from closeloop.core.languages import language_name
from closeloop.intake.attachments import files_for_item, steps_answered
from closeloop.intake.status_link_views import page_text as status_page_text
from closeloop.lib.ids import is_digits
from closeloop.messaging import status_links
from closeloop.messaging.services import render as render_template
from closeloop.security import audit
from closeloop.support_queue import colleague_requests, presence
from closeloop.support_queue.item_writes import receipt_how
from closeloop.support_queue.lifecycle import LifecycleError, available_actions
from closeloop.support_queue.models import Channel, StaffAlert, SupportItem
from closeloop.support_queue.selectors import promise_suggestion, timeline_for_item
from closeloop.web import timeline
from closeloop.web.action_forms import ActionForm, Offered
from closeloop.web.get_or_404 import item_for_action_or_404, item_or_404
from closeloop.web.http import HtmxHttpRequest, acting_user, local_datetime
from closeloop.web.item_scripts import item_scripts
from closeloop.web.jinja_fragments import item_actions

ITEM_TEMPLATE = "web/item.html"
APPOINTMENTS_SHOWN = 5


#: What the Own line says in place of a time while no promise is ahead (staff then save the
#: plan and update time, and the line states it).
def _initial(item: SupportItem, suggested: Any, bound: bool) -> dict[str, dict[str, Any]]:
    """What the forms start with: the current values, and for every "hears from us next" the
    standing promise while it is ahead (and not after a real deadline the suggestion is
    ``bound`` by: a red flag, the first response, the visit), else the suggested time."""
    promised = item.promised_update_at
    keep_promise = promised and promised > timezone.now() and not (bound and promised > suggested)
    next_update = item.promised_update_at if keep_promise else suggested
    return {
        "acknowledge": {"how": receipt_how(item.channel), "next_update_at": suggested},
        "update_window": {
            "checking": item.checking,
            "next_step": item.next_step,
            "update_at": next_update,
        },
        "assign": {"team": item.team, "owner": item.owner_id},
        "categorize": {
            "category": item.category.code,
            "urgency": item.urgency,
            "language": item.language,
        },
        "contact": {"channel": item.channel, "next_update_at": suggested},
        "attempt": {"channel": Channel.PHONE},
        "message": {"next_update_at": next_update},
        "ask": {"due_at": colleague_requests.default_due(item)},
    }


def _forms(
    request: HtmxHttpRequest,
    item: SupportItem,
    initial: dict[str, Any],
    failed: str,
    bound: Any,
    *,
    open_requests: bool,
) -> dict[str, ActionForm]:
    """The forms of the actions this person may take on the item in its current state."""
    offered = available_actions(item, open_requests=open_requests) | ({failed} if failed else set())
    choices: Offered = {}  # each reference kind's objects, read once for all the forms
    forms = {}
    for name, action in ACTIONS.items():
        if name not in offered or not access.may(request.user, item, name):
            continue
        if name == failed and bound is not None:
            forms[name] = bound
            continue
        form = ActionForm(
            item=item, action=action, initial=initial.get(name), prefix=name, offered=choices
        )
        if form.has_choices():
            forms[name] = form
    return forms


def _context(
    request: HtmxHttpRequest,
    item: SupportItem,
    *,
    failed: str = "",
    bound: ActionForm | None = None,
    error: str = "",
    notice: str = "",
) -> dict[str, Any]:
    zone = ZoneInfo(item.practice.timezone)
    suggestion = promise_suggestion(item)
    suggested = suggestion.at.astimezone(zone)
    initial = _initial(item, suggested, bound=bool(suggestion.why))
    now = timezone.now()
    requests = colleague_requests.open_requests(item)
    events = list(timeline_for_item(item))
    forms = _forms(request, item, initial, failed, bound, open_requests=bool(requests))
    return {
        "item": item,
        "zone": zone,
        # The owner does not speak the patient's language (urgent symptoms are assigned all
        # the same): the page says so where the owner is shown.
        "interpreter_needed": item.interpreter_needed,
        # A message filed whole (the web form, a text) repeats its summary: shown once.
        "details_repeat_summary": bool(item.details)
        and " ".join(item.details.split()).startswith(item.summary.rstrip("…").strip()),
        "entries": timeline.describe(
            events,
            zone,
            categories=dict(item.practice.categories.values_list("code", "name")),
        ),
        "scripts": item_scripts(item),
        "language_name": language_name(item.language),
        "suggested_update_at": suggested,
        "suggested_why": suggestion.why,
        "forms": forms,
        "action_forms": item_actions(
            request, item, forms, zone=zone, failed=failed, error=error, suggestion=suggestion
        ),
        "actions": ACTIONS,
        "failed": failed,
        "error": error,
        "notice": notice,
        "now": now,
        "presence_poll": presence.POLL_SECONDS,
        "requests": requests,
        **_patient_side(item, now),
        # The checklist steps the timeline records as answered (an insurance card picture).
        "steps_done": steps_answered(events),
    }


def _patient_side(item: SupportItem, now: datetime) -> dict[str, Any]:
    """What the patient sees and sent: their status page, their next visits, their files."""
    patient_view = status_links.patient_view(item) if item.practice.status_links else None
    return {
        # What the patient's status page shows now (the same function renders it).
        "patient_view": patient_view,
        "patient_t": status_page_text(patient_view.language) if patient_view else {},
        "appointments": (
            list(upcoming_for_patient(item.patient_id, now)[:APPOINTMENTS_SHOWN])
            if item.patient_id
            else []
        ),
        # Pictures and PDFs the patient sent (kept encrypted; served by ``file_views``).
        "files": files_for_item(item),
    }


def _render(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = ITEM_TEMPLATE + "#item-body" if request.htmx else ITEM_TEMPLATE
    with timezone.override(context["zone"]):
        return render(request, template, context, status=status)


@login_required
@require_GET
def item_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = item_or_404(request, pk)
    user = acting_user(request)
    StaffAlert.objects.filter(user=user, item=item, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if not access.may(user, item, VIEW_DETAILS):
        audit.record_view(item, fields=["status", "owner", "team"])
        with timezone.override(ZoneInfo(item.practice.timezone)):
            return render(request, "web/item_restricted.html", {"item": item})
    audit.record_view(item, fields=["summary", "details", "timeline", "patient"])
    return _render(request, _context(request, item))


#: What the page says after an action whose result is not visible on the item itself.
NOTICES = {
    "closure_question": "Closing question {} to the patient.",
    "review_request": "Review request: {}.",
    "message_state": "Message {}.",
}


def _notice(detail: dict[str, Any]) -> str:
    return " ".join(
        NOTICES[key].format(str(value).replace("_", " "))
        for key, value in detail.items()
        if key in NOTICES
    )


@login_required
@require_POST
def item_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action. A refusal re-renders the page with the message and what was typed."""
    if action not in ACTIONS:
        raise Http404("No such action")
    item = item_for_action_or_404(request, pk, action)
    spec = ACTIONS[action]
    with timezone.override(ZoneInfo(item.practice.timezone)):
        form = ActionForm(request.POST, item=item, action=spec, prefix=action)
        valid = form.is_valid()
    error = ""
    if valid:
        try:
            outcome = run(
                spec,
                item=item,
                actor=acting_user(request),
                data=form.cleaned_data,
                loaded_version=_loaded_version(request),
            )
        except LifecycleError as refused:
            error = refused.message
            _mark_promise_field(form, spec, refused)
    else:
        error = "Check the highlighted fields."
    if error:
        item.refresh_from_db()
        context = _context(request, item, failed=action, bound=form, error=error)
        return _render(request, context, status=422)
    if outcome.item.pk != item.pk:
        # The action's result is another item (a merge): the browser goes to its address, so
        # the page, its title and a reload are the surviving item's, not the merged one's.
        url = reverse("item", args=[outcome.item.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return _render(request, _context(request, outcome.item, notice=_notice(outcome.detail)))
    return redirect("item", pk=outcome.item.pk)


#: Promise refusals, shown on the field they are about
#: (``support_queue.item_writes.check_promise``).
PROMISE_REFUSALS = {"promise_in_past", "promise_too_far", "after_hours_reason_required"}


def _mark_promise_field(form: ActionForm, action: Action, refused: LifecycleError) -> None:
    """A refused promise highlights its field: the reason to give, or the time itself."""
    if refused.code not in PROMISE_REFUSALS:
        return
    names = [spec.name for spec in action.inputs]
    after_hours = refused.code == "after_hours_reason_required" and AFTER_HOURS.name in names
    instants = [spec.name for spec in action.inputs if spec.kind == Kind.INSTANT]
    field = AFTER_HOURS.name if after_hours else (instants[0] if instants else None)
    if field is not None:
        form.add_error(field, refused.message)


def _loaded_version(request: HttpRequest) -> int | None:
    """The item's version when the person's page was rendered (None from an older page)."""
    text = request.POST.get("version", "")
    return int(text) if is_digits(text) and len(text) <= 9 else None


@login_required
@require_GET
def item_presence(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who else has this item open now, and whether it changed since this page was loaded;
    each open page asks every few seconds, which is also how it says it is still open."""
    item = item_or_404(request, pk)
    user = acting_user(request)
    others = presence.seen(item, user)
    loaded = request.GET.get("v", "")
    changed = is_digits(loaded) and len(loaded) <= 9 and int(loaded) != item.version
    return render(
        request,
        "web/_presence.html",
        {"others": others, "changed": changed, "item": item},
    )


@login_required
@require_POST
def item_presence_leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The page is being left (sent as it goes, ``pagehide``): the others stop seeing this
    person at once instead of when the poll's silence runs out."""
    item = item_or_404(request, pk)
    user = acting_user(request)
    presence.left(item, user)
    return HttpResponse(status=204)


@login_required
@require_GET
def message_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The template for a purpose, rendered for this item, to edit before sending."""
    item = item_for_action_or_404(request, pk, "message")
    purpose = request.GET.get("message-purpose", "")
    when = local_datetime(
        request.GET.get("message-next_update_at", ""), ZoneInfo(item.practice.timezone)
    )
    try:
        _, body = render_template(item, purpose, when)
    except LifecycleError as refused:
        body = ""
        error = refused.message
    else:
        error = ""
    return render(
        request,
        "web/_message_body.html",
        {"body": body, "error": error},
        status=200 if body else 422,
    )
