"""The metrics dashboard and the weekly review (page, CSV, PDF). Supervisors and admins only:
everyone else gets a 404, like any object they may not see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from closeloop.lib import dates
from closeloop.metrics import charts, measures
from closeloop.metrics.pdf import weekly_review_pdf
from closeloop.metrics.presentation import WEEK_BEFORE, shown
from closeloop.metrics.scope import ScopeError, ScopeRequest, report_practices, scope_from
from closeloop.metrics.weekly import csv_rows, week_of, weekly_review
from closeloop.patients.models import Patient
from closeloop.practices.choices import Channel, Language, Team
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.web.csvutil import as_download, csv_response

FILTER_KEYS = ("practice", "start", "end", "team", "owner", "category", "channel", "language")


def _practices_or_404(request: HttpRequest) -> list[Practice]:
    practices = report_practices(request.user)
    if not practices:
        raise Http404("Reports are for supervisors and admins")
    return practices


def _chosen(request: HttpRequest) -> ScopeRequest:
    _practices_or_404(request)
    try:
        return scope_from(request.user, request.GET)
    except Practice.DoesNotExist:
        raise Http404("No such practice") from None


def _bad_request(exc: ScopeError) -> HttpResponse:
    return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


def _filter_options(practices: list[Practice]) -> dict[str, Any]:
    categories = dict(Category.objects.filter(practice__in=practices).values_list("code", "name"))
    people = {u.pk: u for p in practices for u in staff_for_practice(p)}
    return {
        "category_options": sorted(categories.items(), key=lambda kv: kv[1]),
        "team_options": Team.choices,
        "channel_options": Channel.choices,
        "language_options": Language.choices,
        "owner_options": sorted(
            ((pk, u.get_full_name() or u.username) for pk, u in people.items()),
            key=lambda kv: kv[1],
        ),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    practices = _practices_or_404(request)
    params = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    context: dict[str, Any] = {
        "practices": practices,
        "params": params,
        **_filter_options(practices),
    }
    try:
        chosen = scope_from(request.user, request.GET)
    except Practice.DoesNotExist:
        raise Http404("No such practice") from None
    except ScopeError as exc:
        context["error"] = str(exc)
        return render(request, "web/dashboard.html", context, status=400)
    data = measures.report(chosen.scope)
    # People by name: the patients behind the most repeat contacts (the viewer serves them).
    top = data["metrics"]["repeat_contacts"]["top_patients"]
    names = Patient.objects.for_user(request.user).in_bulk([row["patient"] for row in top])
    for row in top:
        patient = names.get(row["patient"])
        row["name"] = patient.full_name if patient else f"Patient {row['patient']}"
    params.update(start=chosen.scope.start.isoformat(), end=chosen.scope.end.isoformat())
    context.update(
        {
            "scope": chosen.scope,
            "practice": chosen.practice,
            "metrics": data["metrics"],
            "headlines": [shown(h) for h in data["headlines"]],
            "charts": charts.build(chosen.scope, data["metrics"]),
            "cards": measures.cards(data["metrics"]),
            "several_practices": len(chosen.scope.practices) > 1,
        }
    )
    with timezone.override(chosen.scope.zone):
        return render(request, "web/dashboard.html", context)


@login_required
@require_GET
def chart_csv(request: HttpRequest, name: str) -> HttpResponse:
    """One chart's table as CSV, for the same filters as the page."""
    try:
        scope = _chosen(request).scope
    except ScopeError as exc:
        return _bad_request(exc)
    found = {c.name: c for c in charts.build(scope)}  # only what the charts need
    if name not in found:
        raise Http404("No such chart")
    return csv_response(f"closeloop-{name}-{scope.start}-{scope.end}.csv", found[name].rows())


def _week(request: HttpRequest, practice: Practice) -> date:
    text = (request.GET.get("week") or "").strip()
    if text:
        try:
            return week_of(dates.parse_day(text))
        except ValueError as exc:
            raise ScopeError(f"week: {exc}") from None
    today = timezone.localdate(timezone=ZoneInfo(practice.timezone))
    return week_of(today) - timedelta(days=7)  # the last full week


def _review(request: HttpRequest) -> tuple[Practice, list[Practice], dict[str, Any]]:
    practices = _practices_or_404(request)
    slug = request.GET.get("practice") or practices[0].slug
    practice = next((p for p in practices if p.slug == slug), None)
    if practice is None:
        raise Http404("No such practice")
    week = _week(request, practice)
    return practice, practices, weekly_review(practice, week, timezone.now())


@login_required
@require_GET
def weekly(request: HttpRequest) -> HttpResponse:
    try:
        practice, practices, review = _review(request)
    except ScopeError as exc:
        return _bad_request(exc)
    context = {
        "practice": practice,
        "practices": practices,
        "review": review,
        "changes": [shown(h, WEEK_BEFORE) for h in review["changes"]],
        "previous_week": review["week_start"] - timedelta(days=7),
        "next_week": review["week_start"] + timedelta(days=7),
    }
    return render(request, "web/weekly.html", context)


@login_required
@require_GET
def weekly_csv(request: HttpRequest) -> HttpResponse:
    try:
        practice, _, review = _review(request)
    except ScopeError as exc:
        return _bad_request(exc)
    return csv_response(
        f"closeloop-weekly-{practice.slug}-{review['week_start']}.csv", csv_rows(review)
    )


@login_required
@require_GET
def weekly_pdf(request: HttpRequest) -> HttpResponse:
    try:
        practice, _, review = _review(request)
    except ScopeError as exc:
        return _bad_request(exc)
    response = HttpResponse(weekly_review_pdf(review), content_type="application/pdf")
    return as_download(response, f"closeloop-weekly-{practice.slug}-{review['week_start']}.pdf")
