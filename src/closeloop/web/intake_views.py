"""Logging a contact in under 30 seconds: find the caller, say what they need, save."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from closeloop.core.types import User
from closeloop.intake.services import Contact, file_item
from closeloop.lib.ids import parse_id
from closeloop.messaging.language import check_staff_words
from closeloop.patients.models import Patient
from closeloop.patients.selectors import patient_search
from closeloop.patients.services import patient_create
from closeloop.practices.local_time import zone
from closeloop.practices.models import Category, Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.lifecycle import LifecycleError
from closeloop.support_queue.models import SupportItem
from closeloop.support_queue.selectors import items_to_join
from closeloop.triage import services as triage
from closeloop.web.forms import ATTACH_AUTO, CallerMode, LogContactForm
from closeloop.web.http import acting_user

LOG_TEMPLATE = "web/log.html"


class _Refused(Exception):
    pass


def _practice_from(request: HttpRequest, practices: list[Practice]) -> Practice | None:
    """The practice the contact is for: a chosen patient's own, else the one picked."""
    patient_id = parse_id(request.POST.get("patient") or request.GET.get("patient") or "")
    if patient_id is not None and (request.POST.get("caller", "existing") == "existing"):
        owner = (
            Patient.objects.for_user(request.user).filter(pk=patient_id).values("practice_id")
        ).first()
        if owner is not None:
            for practice in practices:
                if practice.pk == owner["practice_id"]:
                    return practice
    wanted = request.GET.get("practice") or request.POST.get("practice")
    for practice in practices:
        if str(practice.pk) == wanted or practice.slug == wanted:
            return practice
    return practices[0] if practices else None


def _patient(form: LogContactForm, user: User) -> Patient | None:
    data = form.cleaned_data
    practice: Practice = data["practice"]
    mode = data["caller"]
    if mode == CallerMode.EXISTING:
        found = Patient.objects.for_user(user).filter(pk=data["patient"], practice=practice).first()
        if found is None:
            form.add_error("patient", "That patient is not a patient of the selected practice.")
            raise _Refused
        return found
    if mode == CallerMode.NEW:
        try:
            return patient_create(
                practice=practice,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                phone=data["phone"],
                preferred_language=data["language"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            raise _Refused from None
    return None


def _create_item(form: LogContactForm, user: User) -> SupportItem:
    """Patient (if new), then the one intake service: the item is the logger's when they are
    on its team, otherwise routed. A red flag always goes to the clinical team."""
    data = form.cleaned_data
    patient = _patient(form, user)
    attach = data["attach"] or ATTACH_AUTO
    join = None
    if (join_id := parse_id(attach)) is not None:
        join = SupportItem.objects.for_user(user).filter(pk=join_id, patient=patient).first()
        if join is None:
            form.add_error(None, "That request is not this patient's; choose again.")
            raise _Refused
    try:
        filed = file_item(
            practice=data["practice"],
            actor=user,
            contact=Contact(
                channel=data["channel"],
                summary=data["summary"],
                details=data["details"],
                language=data["language"],
                patient=patient,
                caller_name=data["caller_name"],
                callback_number=data["callback_number"],
                next_update_at=data["next_update_at"],
                after_hours_reason=data["after_hours_reason"],
            ),
            category=data["category"],
            take_ownership=True,
            join=join,
            # A question answered on the spot is its own (staff may still attach it).
            find_repeat=attach == ATTACH_AUTO and not data["answer"],
        )
        item = filed.item
        if data["answer"]:
            # Answered during the call: the answer is the next step given; resolved now. The
            # patient may read it (a closing text): their language, speaking to them.
            check_staff_words(item, {"the answer": data["answer"]})
            item = lifecycle.item_answer(
                item=item, actor=user, answer=data["answer"], channel=data["channel"]
            )
    except LifecycleError as refused:
        form.add_error(None, refused.message)
        raise _Refused from None
    return item


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Live triage while the call is logged: suggestion, red-flag script, pre-selected category."""
    practices = list(Practice.objects.for_user(request.user))
    practice = _practice_from(request, practices)
    suggestion = triage.suggest(request.GET.get("summary", ""), request.GET.get("details", ""))
    names = dict(
        Category.objects.filter(practice=practice).values_list("code", "name")
        if practice is not None
        else Category.objects.for_user(request.user).values_list("code", "name")
    )
    context: dict[str, Any] = {
        "suggestion": triage.readable(suggestion, names),
        "practice": practice,
    }
    if practice is not None and not request.GET.get("category"):
        category = triage.suggested_category(practice, suggestion)
        form = LogContactForm(
            user=request.user, practice=practice, initial={"category": category.pk}
        )
        context["category_field"] = form["category"]
    return render(request, LOG_TEMPLATE + "#suggestion", context)


@login_required
@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest) -> HttpResponse:
    practices = list(Practice.objects.for_user(request.user).order_by("name"))
    practice = _practice_from(request, practices)
    # Times typed and shown on this page are on the practice's clock.
    with timezone.override(zone(practice.timezone) if practice else None):
        return _log_contact(request, practices, practice)


def _log_contact(
    request: HttpRequest, practices: list[Practice], practice: Practice | None
) -> HttpResponse:
    if request.method == "POST":
        form = LogContactForm(request.POST, user=request.user, practice=practice)
        if form.is_valid():
            try:
                with transaction.atomic():
                    item = _create_item(form, acting_user(request))
            except _Refused:
                pass
            else:
                return redirect("item", pk=item.pk)
        status = 422
    else:
        # A patient chosen from another practice reloads the form for that practice,
        # keeping what was already typed.
        carried = {
            key: request.GET[key]
            for key in ("patient", "summary", "details", "channel", "language", "caller")
            if request.GET.get(key)
        }
        form = LogContactForm(
            user=request.user,
            practice=practice,
            initial={
                "practice": practice.pk if practice else None,
                "next_update_at": _suggested_callback(practice),
                **carried,
            },
        )
        status = 200
    query = request.GET.get("q", "")
    selected = parse_id(str(form["patient"].value() or ""))
    selected_patient = (
        Patient.objects.for_user(request.user).filter(pk=selected).first() if selected else None
    )
    context = {
        "form": form,
        "practices": practices,
        "practice": practice,
        "q": query,
        "results": patient_search(request.user, query) if query else [],
        "several_practices": len(practices) > 1,
        "selected_patient": selected_patient,
        "joinable": items_to_join(request.user, selected_patient.pk) if selected_patient else [],
        "attach": form["attach"].value() or ATTACH_AUTO,
    }
    return render(request, LOG_TEMPLATE, context, status=status)


def _suggested_callback(practice: Practice | None) -> Any:
    """What to tell a caller by default: a modest four business hours from now, on the
    practice's clock (the field shows the practice's local time)."""
    if practice is None:
        return None
    calendar = practice.calendar()
    return calendar.suggest_update_time(timezone.now(), timedelta(hours=4)).astimezone(calendar.tz)


@login_required
@require_GET
def patient_items(request: HttpRequest) -> HttpResponse:
    """The chosen patient's open (and recently resolved) requests: add the contact to one."""
    patient_id = parse_id(request.GET.get("patient", ""))
    items = items_to_join(request.user, patient_id) if patient_id else []
    return render(
        request, LOG_TEMPLATE + "#patient-items", {"joinable": items, "attach": ATTACH_AUTO}
    )


@login_required
@require_GET
def patient_lookup(request: HttpRequest) -> HttpResponse:
    """Type-ahead results for the log form (an htmx fragment)."""
    # Every practice the person serves: the caller's practice comes from the patient found.
    results = patient_search(request.user, request.GET.get("q", ""))
    practices = Practice.objects.for_user(request.user).count()
    return render(
        request,
        LOG_TEMPLATE + "#lookup-results",
        {"results": results, "q": request.GET.get("q"), "several_practices": practices > 1},
    )
