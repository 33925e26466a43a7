from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from closeloop.practices.models import Practice
from closeloop.queue.models import OPEN_STATUSES, Status
from closeloop.queue.selectors import queue_for_user

PAGE_SIZE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    practices = list(Practice.objects.for_user(request.user).order_by("name"))
    items = queue_for_user(request.user)
    practice_slug = request.GET.get("practice", "")
    selected = next((p for p in practices if p.slug == practice_slug), None)
    if selected is not None:
        items = items.filter(practice=selected)
    status = request.GET.get("status", "open")
    if status == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        items = items.filter(status=status)
    else:
        status = "all"
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/queue.html",
        {
            "page": page,
            "practices": practices,
            "selected_practice": selected,
            "status": status,
            "statuses": Status.choices,
            "now": timezone.now(),
        },
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
