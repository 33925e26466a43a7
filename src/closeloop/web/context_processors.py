from typing import Any

from django.conf import settings
from django.http import HttpRequest

from closeloop.metrics.scope import can_view_reports
from closeloop.support_queue.selectors import unread_alert_rows


def closeloop(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"closeloop_env": settings.CLOSELOOP_ENV}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not request.path.startswith("/admin/"):
        # The bell's new rows, counted as the list shows them.
        context["unread_alerts"] = unread_alert_rows(user)
        context["shows_reports"] = lambda: can_view_reports(user)
        context["idle_seconds"] = settings.IDLE_LOGOFF_MINUTES * 60
    return context
