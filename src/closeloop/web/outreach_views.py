"""Settings → a practice → Outreach: the plans that send confirmations and reminders before a
visit (``closeloop.outreach``), per appointment type and mode. Admins of the practice only
(another practice's plan is a 404, like every Settings page); saves are audited by the models'
audit signals. The words themselves are message templates (Settings → Message templates)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from closeloop.messaging.models import VISIT_PURPOSES, MessagePurpose
from closeloop.outreach.models import OutreachPlan
from closeloop.outreach.writeback import write_back_status
from closeloop.practices.models import Practice
from closeloop.security.scope import administered_practices


class OutreachPlanForm(forms.ModelForm):
    video_link = forms.URLField(label="Video visit link", required=False, assume_scheme="https")
    device_test_link = forms.URLField(
        label="Device test link", required=False, assume_scheme="https"
    )

    class Meta:
        model = OutreachPlan
        fields: ClassVar = [
            "kind", "mode", "active", "confirm_days", "reminder", "forms_days", "video_hours",
            "send_at", "video_link", "device_test_link",
        ]  # fmt: skip
        widgets: ClassVar = {"send_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


def _practice(request: HttpRequest, slug: str) -> Practice:
    practice = administered_practices(request.user).filter(slug=slug).first()
    if practice is None:
        raise Http404("No such practice among yours")
    return practice


def _plan(practice: Practice, pk: int) -> OutreachPlan:
    plan = OutreachPlan.objects.filter(practice=practice, pk=pk).first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def _save(form: OutreachPlanForm, practice: Practice) -> bool:
    """Validated by the model's rules too (the video links); a second plan for the same type
    and mode is a form error, not a 500."""
    if not form.is_valid():
        return False
    plan = form.save(commit=False)
    plan.practice = practice
    try:
        plan.full_clean()
        with transaction.atomic():
            plan.save()
    except ValidationError as refused:
        for name, problems in refused.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return False
    except IntegrityError:
        form.add_error("kind", "This appointment type and mode already have a plan.")
        return False
    return True


def _page(request: HttpRequest, practice: Practice, form: Any, status: int = 200) -> HttpResponse:
    return render(
        request,
        "settings/outreach.html",
        {
            "practices": administered_practices(request.user).order_by("name"),
            "practice": practice,
            "plans": OutreachPlan.objects.filter(practice=practice).order_by("kind", "mode"),
            "form": form,
            "purposes": [MessagePurpose(p) for p in MessagePurpose.values if p in VISIT_PURPOSES],
            "write_back": write_back_status(practice),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    if request.method == "GET":
        return _page(request, practice, OutreachPlanForm())
    form = OutreachPlanForm(request.POST, instance=OutreachPlan(practice=practice))
    if _save(form, practice):
        messages.success(request, "Outreach plan added.")
        return redirect("settings_outreach", slug=slug)
    return _page(request, practice, form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice(request, slug)
    plan = _plan(practice, pk)
    form = OutreachPlanForm(request.POST if request.method == "POST" else None, instance=plan)
    if request.method == "POST" and _save(form, practice):
        messages.success(request, "Outreach plan saved.")
        return redirect("settings_outreach", slug=slug)
    return render(
        request,
        "settings/outreach_plan.html",
        {
            "practices": administered_practices(request.user).order_by("name"),
            "practice": practice,
            "plan": plan,
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def outreach_plan_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice(request, slug)
    _plan(practice, pk).delete()
    messages.success(request, "Outreach plan removed: its messages not yet sent will not go.")
    return redirect("settings_outreach", slug=slug)
