"""The appointments page: visits at risk, pre-visit telehealth checks, patients to confirm."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from closeloop.actions.inputs import InputError
from closeloop.actions.visits import (
    VISIT_ACTIONS,
    VisitActionRefused,
    VisitNotFound,
    run_visit_action,
    visit_for_action,
)
from closeloop.appointments import rules, selectors
from closeloop.appointments.records import PatientRecord
from closeloop.appointments.services import CHECK_LABELS
from closeloop.lib.ids import parse_id
from closeloop.outreach.wording import call_script
from closeloop.patients.models import Patient
from closeloop.practices.local_time import local
from closeloop.practices.models import Practice
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.web.csvutil import csv_response
from closeloop.web.http import HtmxHttpRequest, acting_user

TABS = (
    ("risk", "At risk"),
    ("telehealth", "Telehealth checks"),
    ("calls", "Confirmation calls"),
    ("match", "Patient to confirm"),
)
LIST_LIMIT = 200


@login_required
@require_GET
def appointments(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request, request.GET.get("practice", ""), request.GET.get("tab", "risk"))


def _page(request: HtmxHttpRequest, slug: str, tab: str, *, status: int = 200) -> HttpResponse:
    """The appointments page: the practice ``slug`` (else all one serves), the tab ``tab``."""
    practices = list(Practice.objects.for_user(request.user).order_by("name"))
    practice = next((p for p in practices if p.slug == slug), None)
    if tab not in dict(TABS):
        tab = "risk"
    now = timezone.now()
    scope = selectors.appointments_for_user(request.user)
    if practice is not None:
        scope = scope.filter(practice=practice)
    # One look-ahead for the page: the selected practice's, else the longest of the user's.
    days = (
        practice.risk_window_days
        if practice
        else max((p.risk_window_days for p in practices), default=7)
    )
    context: dict[str, Any] = {
        "practices": practices,
        "practice": practice,
        "tab": tab,
        "tabs": TABS,
        "days": days,
        "now": now,
        "check_labels": CHECK_LABELS,
    }
    if tab == "risk":
        rows = list(rules.at_risk_upcoming(scope, now, days)[:LIST_LIMIT])
        reasons = rules.reasons_for(rows, now)
        context["rows"] = [(a, reasons[a.pk]) for a in rows]
        last_30 = rules.risk_counts(scope, now - timedelta(days=30), now)
        context["history"] = last_30
    elif tab == "telehealth":
        context["rows"] = list(selectors.telehealth_upcoming(scope, now, days)[:LIST_LIMIT])
    elif tab == "calls":
        rows = list(rules.call_list(scope, now, days)[:LIST_LIMIT])
        context["rows"] = [(a, *call_script(a)) for a in rows]
    else:
        rows = list(selectors.needing_match(scope, now)[:LIST_LIMIT])
        ids = {pk for a in rows for pk in a.patient_candidates}
        candidates = Patient.objects.for_user(request.user).in_bulk(ids)
        # What the EHR says, typed, so the page writes it as it writes the candidates.
        context["rows"] = [
            (
                a,
                [candidates[pk] for pk in a.patient_candidates if pk in candidates],
                PatientRecord.from_json(a.patient_details or {}),
            )
            for a in rows
        ]
    zone = (
        ZoneInfo(practice.timezone)
        if practice
        else (ZoneInfo(practices[0].timezone) if practices else UTC)
    )
    with timezone.override(zone):
        return render(request, "web/appointments.html", context, status=status)


@login_required
@require_POST
def confirm_visit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The patient confirmed on the phone (the call list): recorded on the visit, once (the
    action ``actions.visits`` declares for the page and the API)."""
    return _visit_action(request, pk, "confirm", {}, back_to="calls")


def _visit_action(
    request: HtmxHttpRequest, pk: int, name: str, data: dict[str, object], *, back_to: str
) -> HttpResponse:
    """Run the visit action ``name`` (``actions.visits``, the API's too) as the person signed
    in: another practice's visit is a 404, a state it does not apply to a 409, a value it does
    not allow a 422, each said on the page the form was on; then back to the page."""
    try:
        visit = visit_for_action(request.user, pk, name)
    except VisitNotFound:
        raise Http404("No such appointment") from None
    try:
        run_visit_action(VISIT_ACTIONS[name], visit=visit, actor=acting_user(request), data=data)
    except VisitActionRefused as exc:
        return _refused(request, exc.message, back_to, status=409)
    except InputError as exc:
        return _refused(request, exc.message, back_to, status=422)
    return _back(request, back_to)


def _refused(request: HtmxHttpRequest, message: str, tab: str, *, status: int) -> HttpResponse:
    """The page the form was on (its practice and tab, from ``next``) again, with why nothing
    was recorded."""
    messages.error(request, message)
    try:
        query = parse_qs(urlsplit(request.POST.get("next", "")).query)
    except ValueError:  # a "next" Python cannot parse ("//[bad"): the tab it was posted for
        query = {}
    slug = query.get("practice", [""])[0]
    return _page(request, slug, query.get("tab", [tab])[0], status=status)


@login_required
@require_GET
def confirmations_csv(request: HtmxHttpRequest) -> HttpResponse:
    """The day's visits and their confirmation (``?day=YYYY-MM-DD``, the practice's local day;
    today by default): how a confirmation reaches an EHR Closeloop does not write to."""
    practices = list(Practice.objects.for_user(request.user).order_by("name"))
    practice = next((p for p in practices if p.slug == request.GET.get("practice")), None)
    if practice is None:
        practice = practices[0] if practices else None
    if practice is None:
        raise Http404("You do not serve any practice")
    zone = ZoneInfo(practice.timezone)
    raw = request.GET.get("day", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.now().astimezone(zone).date()
        # In UTC as the database compares them: the first and last days a datetime holds
        # have no day after (or, east of Greenwich, no UTC start): a 400, not a 500.
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        end = (datetime.combine(day, time(0), tzinfo=zone) + timedelta(days=1)).astimezone(UTC)
    except (ValueError, OverflowError):
        return HttpResponse("day must be YYYY-MM-DD", status=400, content_type="text/plain")
    visits = (
        selectors.appointments_for_user(request.user)
        .filter(practice=practice, start__gte=start, start__lt=end)
        .order_by("start", "pk")
    )
    audit.record(
        AuditAction.EXPORT,
        object_type="appointments.appointment",
        practice_id=practice.pk,
        detail={"export": "confirmations_csv", "day": day.isoformat(), "rows": visits.count()},
    )
    header = ["appointment_id", "source", "start", "status", "patient", "asked_at",
              "confirmed_at", "confirmed_how"]  # fmt: skip
    rows = [header] + [
        [
            a.external_id,
            a.source,
            local(practice, a.start).isoformat(),
            a.status,
            a.patient.full_name if a.patient else "",
            local(practice, a.confirmation_asked_at).isoformat() if a.confirmation_asked_at else "",
            local(practice, a.confirmed_at).isoformat() if a.confirmed_at else "",
            a.confirmed_how,
        ]  # fmt: skip
        for a in visits
    ]
    return csv_response(f"confirmations-{practice.slug}-{day.isoformat()}.csv", rows)


def _back(request: HtmxHttpRequest, tab: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(f"/appointments/?tab={tab}")


@login_required
@require_POST
def check_step(request: HtmxHttpRequest, pk: int, step: str) -> HttpResponse:
    """A step of the pre-visit telehealth check (the visit actions ``link_sent`` and
    ``device_test_offered``)."""
    if step not in CHECK_LABELS:
        raise Http404("No such checklist step")
    return _visit_action(request, pk, step, {}, back_to="telehealth")


@login_required
@require_POST
def confirm_patient(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Which patient a doubtful visit is (the visit action ``choose_patient``): a candidate's
    id, or ``new``."""
    choice = request.POST.get("patient", "")
    data: dict[str, object] = (
        {"new_patient": True} if choice == "new" else {"patient": parse_id(choice)}
    )
    return _visit_action(request, pk, "choose_patient", data, back_to="match")
