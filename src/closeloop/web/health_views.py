"""``/healthz/``: for load balancers and monitoring — the database answers, and how late the
worker is."""

from __future__ import annotations

from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from closeloop.periodic.models import WorkerHeartbeat
from closeloop.web.http import HtmxHttpRequest

#: The worker is late when its last tick, or the oldest task waiting to run, is older than this.
WORKER_LAG_LIMIT = timedelta(minutes=3)


@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """For load balancers and monitoring. 200 while the database answers; the body reports
    the worker lag (seconds since the last minute tick of any worker, and the age of the oldest
    task waiting to run). ``?check=worker`` also answers 503 when the worker is late."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    now = timezone.now()
    last_tick = WorkerHeartbeat.objects.aggregate(last=Max("last_tick_at"))["last"]
    oldest = (
        DBTaskResult.objects.filter(status="READY", run_after__lte=now)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    tick_lag = (now - last_tick) if last_tick else None
    task_lag = (now - oldest) if oldest else timedelta(0)
    worker_ok = (
        tick_lag is not None and tick_lag <= WORKER_LAG_LIMIT and task_lag <= WORKER_LAG_LIMIT
    )
    body = {
        "database": "ok",
        "worker": {
            "ok": worker_ok,
            "last_tick_seconds_ago": round(tick_lag.total_seconds()) if tick_lag else None,
            "oldest_waiting_task_seconds": round(task_lag.total_seconds()),
        },
    }
    status = 503 if request.GET.get("check") == "worker" and not worker_ok else 200
    return JsonResponse(body, status=status)
