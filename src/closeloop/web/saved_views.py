"""Saved queue views and bulk actions from the queue."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from closeloop.core.types import User
from closeloop.lib.dates import parse_local
from closeloop.lib.ids import parse_id
from closeloop.practices.selectors import staff_profile
from closeloop.security.permissions import Perm, has_perm
from closeloop.support_queue import eligibility
from closeloop.team.bulk import BULK_ACTIONS, MAX_ITEMS, bulk_run
from closeloop.team.models import SavedView
from closeloop.team.saved import VIEW_PARAMS
from closeloop.web.http import HtmxHttpRequest, acting_user
from closeloop.web.queue_views import page_rows, queue_query
from closeloop.web.team_views import colleagues_of


@login_required
@require_POST
def view_save(request: HtmxHttpRequest) -> HttpResponse:
    user = acting_user(request)
    profile = staff_profile(user)
    if profile is None or not has_perm(user, Perm.WORK_QUEUE):
        raise PermissionDenied("Your role does not work the queue.")
    name = request.POST.get("name", "").strip()[:80]
    query = urlencode([(k, request.POST[k]) for k in VIEW_PARAMS if request.POST.get(k)])[:500]
    if not name:
        messages.error(request, "Give the view a name.")
    else:
        SavedView.objects.update_or_create(
            owner=user,
            name=name,
            defaults={
                "organization_id": profile.organization_id,
                "query": query,
                "shared": bool(request.POST.get("shared")),
            },
        )
        messages.success(request, f"Saved the view “{name}”.")
    return redirect(f"/?{query}")


@login_required
@require_POST
def view_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    view = SavedView.objects.filter(pk=parse_id(str(pk)) or 0, owner=user).first()
    if view is None:
        raise Http404("No such view of yours")
    view.delete()
    messages.success(request, "View removed.")
    return redirect("queue")


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request: HtmxHttpRequest) -> HttpResponse:
    """The current queue view with tick boxes and one action for the ticked items."""
    user = acting_user(request)
    if not has_perm(user, Perm.WORK_QUEUE):
        raise PermissionDenied("Your role does not work the queue.")
    if request.method == "POST":
        return _bulk_run(request, user)
    query = queue_query(request)
    rows = page_rows(query.tab_items, 0, MAX_ITEMS)
    receivers = [user, *colleagues_of(user)]
    loads = eligibility.open_loads([p.pk for p in receivers])
    zone = timezone.get_current_timezone()
    return render(
        request,
        "web/bulk.html",
        {
            "rows": rows,
            "query": query,
            "back": f"?{request.GET.urlencode()}" if request.GET else "",
            # Each with what keeps them from taking any item (away, at their cap): the items
            # are then judged one by one by the same rule (``support_queue.eligibility``).
            "receivers": [
                (p, eligibility.standing(p, loads.get(p.pk, (0, 0))[0], zone)) for p in receivers
            ],
            "now": query.now,
        },
    )


def _bulk_run(request: HtmxHttpRequest, user: User) -> HttpResponse:
    """Run the chosen action on the ticked items, each judged on its own; back to the view."""
    action = request.POST.get("action", "")
    ids = [pk for raw in request.POST.getlist("item") if (pk := parse_id(raw)) is not None]
    back = request.POST.get("back", "")
    back = back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) else ""
    if action not in BULK_ACTIONS or not ids:
        messages.error(request, "Tick at least one item and choose what to do.")
        return redirect(f"/bulk/{back}")
    people = {str(c.pk): c for c in colleagues_of(user)}
    people[str(user.pk)] = user
    to = request.POST.get("owner", "")
    if action == "assign" and to and to not in people:
        messages.error(request, "Choose someone who serves your practices.")
        return redirect(f"/bulk/{back}")
    update_at = request.POST.get("update_at", "").strip()[:40]
    if action == "update_window":
        # The form only; each item's own practice clock reads the time (``bulk_run``).
        try:
            parse_local(update_at, ZoneInfo("UTC"))
        except ValueError as bad:
            messages.error(request, f"New update time: {bad}")
            return redirect(f"/bulk/{back}")
    result = bulk_run(
        actor=user,
        item_ids=ids,
        action=action,
        data={
            "owner": people.get(to),
            "reason": request.POST.get("reason", "")[:500],
            # One field on the page: the reason, or the note's text.
            "text": (request.POST.get("text") or request.POST.get("reason", ""))[:2000],
            # A local time on each item's practice clock, and why after hours is fine.
            "update_at_local": update_at,
            "after_hours_reason": request.POST.get("after_hours_reason", "")[:500],
        },
    )
    if result.done:
        messages.success(request, f"Done for {len(result.done)} item(s).")
    for pk, why in result.refused:
        messages.error(request, f"#{pk}: {why}")
    return redirect(f"/bulk/{back}")
