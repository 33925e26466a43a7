"""The signed-in person's alerts page, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from closeloop.practices.selectors import home_practice
from closeloop.support_queue.models import StaffAlert
from closeloop.support_queue.selectors import alert_rows
from closeloop.web.http import HtmxHttpRequest, acting_user


@login_required
@require_GET
def alerts(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in person's alerts, one row per item (what happened, newest first): items
    with unread urgent symptoms first, then the newest. Opening the item marks its alerts
    read; "Mark all as read" marks them all. Times without an item (an account's) are on the
    clock of the person's first practice."""
    user = acting_user(request)
    return render(
        request, "web/alerts.html", {"groups": alert_rows(user), "home": home_practice(user)}
    )


@login_required
@require_POST
def alerts_read(request: HtmxHttpRequest) -> HttpResponse:
    """Mark every alert of the signed-in person as read."""
    user = acting_user(request)
    StaffAlert.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("alerts")
