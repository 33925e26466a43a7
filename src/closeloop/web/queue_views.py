"""The queue page (tabs, filters, saved views, paging) and its CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from closeloop.core.types import User, Viewer
from closeloop.lib.ids import parse_id
from closeloop.practices.choices import Language, Role
from closeloop.practices.local_time import local
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import staff_profile
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.security.permissions import visible_text
from closeloop.support_queue.colleague_requests import answers_due
from closeloop.support_queue.models import Channel, Status, SupportItem
from closeloop.support_queue.selectors import (
    QUEUE_TABS,
    TabConditions,
    queue_for_user,
    queue_tab_conditions,
    queue_tab_counts,
)
from closeloop.team.saved import VIEW_PARAMS, saved_views_for
from closeloop.web.csvutil import as_download, csv_cell
from closeloop.web.http import HtmxHttpRequest, acting_user
from closeloop.web.jinja_fragments import ROW_FIELDS, queue_rows

PAGE_SIZE = 50
DEFAULT_TAB = "mine"


@dataclass
class QueueQuery:
    """The queue as the user filtered it: the same query feeds the page, counts and CSV."""

    practices: list[Practice]
    practice: Practice | None
    tab: str
    items: QuerySet[SupportItem]
    tab_items: QuerySet[SupportItem]
    conditions: TabConditions
    now: datetime
    #: The chosen practice's time zone, else the first one's: the page's and the CSV's clock.
    zone: tzinfo


def queue_query(request: HtmxHttpRequest) -> QueueQuery:
    """The queue as the request's filters and tab ask for it (the queue page, its CSV and the
    bulk page read the same)."""
    user = acting_user(request)
    params = request.GET
    practices = list(Practice.objects.for_user(user).order_by("name"))
    practice = next((p for p in practices if p.slug == params.get("practice")), None)
    tab = params.get("tab", DEFAULT_TAB)
    if tab not in dict(QUEUE_TABS):
        tab = DEFAULT_TAB
    now = timezone.now()
    zone = ZoneInfo((practice or practices[0]).timezone) if practices else UTC
    today_start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    conditions = queue_tab_conditions(user, now=now, today_start=today_start)

    items = queue_for_user(user, practice_id=practice.pk if practice else None)
    if code := params.get("category"):
        items = items.filter(category__code=code)
    if (status := params.get("status")) in Status.values:
        items = items.filter(status=status)
    if (channel := params.get("channel")) in Channel.values:
        items = items.filter(channel=channel)
    if language := params.get("language"):
        items = items.filter(language=language)
    owner = params.get("owner", "")
    if owner == "none":
        items = items.filter(owner__isnull=True)
    elif (owner_id := parse_id(owner)) is not None:
        items = items.filter(owner_id=owner_id)
    return QueueQuery(
        practices=practices,
        practice=practice,
        tab=tab,
        items=items,
        tab_items=items.filter(conditions[tab]),
        conditions=conditions,
        now=now,
        zone=zone,
    )


#: Where each role's work is, in order: the first tab with something in it is where the
#: person lands (their own items first, for everyone).
LANDING: dict[str, tuple[str, ...]] = {
    Role.CLINICAL: ("mine", "clinical", "team"),
    Role.SUPERVISOR: ("mine", "escalated", "broken", "unassigned", "open"),
    Role.ORG_ADMIN: ("mine", "escalated", "broken", "unassigned", "open"),
    Role.PRACTICE_ADMIN: ("mine", "escalated", "broken", "unassigned", "open"),
    Role.FRONT_DESK: ("mine", "due_soon", "team", "unassigned"),
    Role.SUPPORT: ("mine", "due_soon", "team", "unassigned"),
}


def landing_tab(user: Viewer, counts: dict[str, int]) -> str:
    """The tab a person lands on: the first of their role's tabs with items in it."""
    profile = staff_profile(user)
    roles = profile.roles if profile else []
    order: list[str] = []
    for role in (Role.CLINICAL, Role.SUPERVISOR, Role.ORG_ADMIN, Role.PRACTICE_ADMIN,
                 Role.FRONT_DESK, Role.SUPPORT):  # fmt: skip
        if role in roles:
            order += [t for t in LANDING[role] if t not in order]
    return next((tab for tab in order if counts.get(tab)), DEFAULT_TAB)


def _filter_options(query: QueueQuery) -> dict[str, Any]:
    categories: dict[str, str] = {}
    for code, name in (
        Category.objects.filter(practice__in=query.practices)
        .order_by("position", "name")
        .values_list("code", "name")
    ):
        categories.setdefault(code, name)
    owners = (
        get_user_model()
        .objects.filter(staff__practices__in=query.practices, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )
    return {
        "category_options": list(categories.items()),
        "owner_options": owners,
        "status_options": Status.choices,
        "channel_options": Channel.choices,
        "language_options": Language.choices,
    }


def page_rows(
    items: QuerySet[SupportItem], offset: int, size: int, *, fields: Sequence[str] = ()
) -> list[SupportItem]:
    """One page in queue order: the ids are sorted first (narrow rows, no joins), then only
    those rows are read with their patient, category, practice and owner (``fields``: only
    these columns of them)."""
    ids = list(items.values_list("pk", flat=True)[max(offset, 0) : max(offset, 0) + size])
    page = items.order_by()
    if fields:
        page = page.only(*fields)
    rows = page.in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


@login_required
@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    user = acting_user(request)
    query = queue_query(request)
    counts = queue_tab_counts(query.items, query.conditions)
    if "tab" not in request.GET:
        tab = landing_tab(user, counts)
        query.tab, query.tab_items = tab, query.items.filter(query.conditions[tab])
    paginator = Paginator(query.tab_items, PAGE_SIZE)
    # The tab count is already known (counted with the other tabs): no second COUNT query.
    paginator.count = counts[query.tab]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = page_rows(
        query.tab_items, page.start_index() - 1, PAGE_SIZE, fields=ROW_FIELDS
    )
    audit.record(
        AuditAction.LIST,
        object_type="support_queue.supportitem",
        detail={"ids": [item.pk for item in page], "tab": query.tab},
    )
    context = {
        "query": query,
        "page": page,
        "rows": queue_rows(
            page.object_list,
            user=user,
            now=query.now,
            several_practices=len(query.practices) > 1,
            asked=(
                answers_due(user, [item.pk for item in page.object_list])
                if query.tab == "requests"
                else None
            ),
        ),
        "tabs": [(name, label, counts[name]) for name, label in QUEUE_TABS],
        "now": query.now,
        "saved_views": saved_views_for(user),
        "view_params": VIEW_PARAMS,
        **_filter_options(query),
    }
    template = "web/queue.html"
    if request.htmx and request.htmx.target == "queue-results":
        template = "web/queue.html#queue-results"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(items: QuerySet[SupportItem], user: User) -> Iterator[list[str]]:
    yield [
        "id", "practice", "patient", "callback_number", "category", "channel", "status",
        "urgency", "language", "owner", "team", "first_contact_at", "promised_update_at",
        "repeat_contacts", "red_flag", "escalated", "summary",
    ]  # fmt: skip
    for item in items.iterator(chunk_size=500):
        yield [
            str(item.pk),
            item.practice.name,
            item.patient.full_name if item.patient else item.caller_name,
            item.callback_number,
            item.category.name,
            item.channel,
            item.status,
            item.urgency,
            item.language,
            item.owner.get_username() if item.owner else "",
            item.team,
            # Times on the practice's clock, with its UTC offset.
            local(item.practice, item.first_contact_at).isoformat(),
            local(item.practice, item.promised_update_at).isoformat()
            if item.promised_update_at
            else "",
            str(item.repeat_contact_count),
            "yes" if item.red_flag else "no",
            "yes" if item.escalated else "no",
            visible_text(user, item, "summary"),
        ]


@login_required
@require_GET
def queue_csv(request: HtmxHttpRequest) -> StreamingHttpResponse:
    """The current filter and tab as CSV (all pages)."""
    query = queue_query(request)
    audit.record(
        AuditAction.EXPORT,
        object_type="support_queue.supportitem",
        detail={"export": "queue_csv", "tab": query.tab, "rows": query.tab_items.count()},
    )
    writer = csv.writer(_Echo())
    rows = _csv_rows(query.tab_items, acting_user(request))
    response = StreamingHttpResponse(
        (writer.writerow([csv_cell(v) for v in row]) for row in rows),
        content_type="text/csv",
    )
    # The practice's clock (the chosen one, else the first), as every time the page shows.
    stamp = query.now.astimezone(query.zone).strftime("%Y%m%d-%H%M-%Z")
    return as_download(response, f"closeloop-queue-{stamp}.csv")
