"""The patient page: everything the practice has open or closed with this patient."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from closeloop.appointments.selectors import upcoming_for_patient
from closeloop.security import audit
from closeloop.support_queue.models import OPEN_STATUSES, EventCode, SupportItem, TimelineEvent
from closeloop.support_queue.selectors import URGENT_FIRST
from closeloop.web import timeline
from closeloop.web.get_or_404 import get_patient_or_404

APPOINTMENTS_SHOWN = 10


@login_required
@require_GET
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_patient_or_404(request, pk)
    items = (
        SupportItem.objects.for_user(request.user)
        .filter(patient=patient)
        .select_related("category", "owner")
        .order_by(URGENT_FIRST, "-first_contact_at")
    )
    contacts = (
        TimelineEvent.objects.for_user(request.user)
        .filter(item__patient=patient, code=EventCode.CONTACT)
        .select_related("actor", "item")
        .order_by("-at")[:50]
    )
    zone = ZoneInfo(patient.practice.timezone)
    audit.record_view(patient, fields=["demographics", "items", "contacts", "appointments"])
    appointments = upcoming_for_patient(patient.pk, timezone.now())[:APPOINTMENTS_SHOWN]
    return render(
        request,
        "web/patient.html",
        {
            "patient": patient,
            "open_items": [i for i in items if i.status in OPEN_STATUSES],
            "past_items": [i for i in items if i.status not in OPEN_STATUSES],
            "repeat_contacts": items.aggregate(n=Sum("repeat_contact_count"))["n"] or 0,
            "contacts": list(zip(contacts, timeline.describe(contacts, zone), strict=True)),
            "zone": zone,
            "appointments": list(appointments),
        },
    )
