"""Measures declared in one place: each one's figure, its headline, its card on the dashboard
and its definition (shown on the dashboard and the Help page). Adding a measure is adding one
``Measure`` to ``MEASURES``: the dashboard, the Help page, the weekly review (page, CSV, PDF,
email) and the headline changes pick it up.

The fourteen measures of ``definitions`` keep their hand-written cards; the ones below (issue
33's hold time and missed-call callbacks) are the first declared this way."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_type_hints

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from closeloop.metrics import definitions as figures
from closeloop.metrics.definitions import Scope, compute, headlines
from closeloop.metrics.presentation import humanize
from closeloop.metrics.results import HoldTime, MissedCallCallbacks
from closeloop.support_queue.models import SupportItem

#: ``InboundMessage.kind`` of a missed call (``intake.models.InboundKind.TWILIO_CALL``). The
#: metrics layer sits beside intake, not above it: it reads intake's rows through the item's
#: ``inbound`` relation and never imports intake (a test holds the two equal).
MISSED_CALL_KIND = "twilio_call"


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def hold_time(scope: Scope) -> HoldTime:
    """**Hold time.** Calls received in the range, for the scope's items, whose phone system
    reported the time the caller waited on hold (Twilio's ``QueueTime``; today the missed
    calls' status callbacks): count, nearest-rank median and 90th percentile, and the longest,
    in seconds. One row per call: a caller who called twice is two waits."""
    calls = SupportItem._meta.get_field("inbound").related_model._default_manager
    held = calls.filter(
        scope.item_filter("item__"),
        received_at__gte=scope.start_at,
        received_at__lt=scope.end_at,
        hold_seconds__isnull=False,
    )
    stats = held.aggregate(n=Count("pk"), longest=Max("hold_seconds"))
    n = stats["n"]
    ordered = held.order_by("hold_seconds").values_list("hold_seconds", flat=True)
    return {
        "count": n,
        "median": ordered[math.ceil(0.5 * n) - 1] if n else None,
        "p90": ordered[math.ceil(0.9 * n) - 1] if n else None,
        "longest": stats["longest"],
    }


def missed_call_callbacks(scope: Scope) -> MissedCallCallbacks:
    """**Missed calls called back within the promise.** Missed-call items (filed by the call
    status hook) first contacted in the range. ``called_back``: a person has responded (the
    text-back is an automatic reply, not a callback); ``in_time``: that first human contact came
    by the item's first-response deadline — the time the text-back promised; ``overdue``: no
    callback yet and the deadline has passed (by the end of the range, or now if sooner).
    ``share`` is ``in_time`` of the decided ones (called back, or overdue): one still inside
    its promise is neither kept nor broken yet."""
    until = min(scope.end_at, timezone.now())
    missed = scope.contacted().filter(
        pk__in=scope.items().filter(inbound__kind=MISSED_CALL_KIND).values("pk")
    )
    counts = missed.aggregate(
        missed=Count("pk"),
        called_back=Count("pk", filter=Q(first_response_at__isnull=False)),
        in_time=Count("pk", filter=Q(first_response_at__lte=F("first_response_due_at"))),
        overdue=Count(
            "pk", filter=Q(first_response_at__isnull=True, first_response_due_at__lt=until)
        ),
    )
    return {
        "missed": counts["missed"],
        "called_back": counts["called_back"],
        "in_time": counts["in_time"],
        "overdue": counts["overdue"],
        "share": _ratio(counts["in_time"], counts["called_back"] + counts["overdue"]),
    }


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    #: One or two sentences: what is counted and what is not (the dashboard and Help say it).
    definition: str
    #: Annotated with its result's type (a ``TypedDict`` of ``metrics.results``): the API's
    #: schema is generated from it.
    compute: Callable[[Scope], Mapping[str, Any]]
    #: The card's rows: (label, the figure as people read it).
    rows: Callable[[dict[str, Any]], list[tuple[str, str]]]
    #: The headline: (label, unit, how to read it from the result, lower is better).
    headline: tuple[str, str, Callable[[dict[str, Any]], Any], bool] | None = None


def _hold_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("calls with a hold time", str(r["count"])),
        ("median", humanize(r["median"], "seconds")),
        ("90th percentile", humanize(r["p90"], "seconds")),
        ("longest", humanize(r["longest"], "seconds")),
    ]


def _callback_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("missed calls", str(r["missed"])),
        ("called back by a person", str(r["called_back"])),
        ("within the promised time", f"{r['in_time']} ({humanize(r['share'], 'share')})"),
        ("not called back, promise passed", str(r["overdue"])),
    ]


MEASURES: list[Measure] = [
    Measure(
        key="hold_time",
        title="Hold time",
        definition="How long callers waited on hold, from the phone system's report on each call "
        "(today: calls that ended without an answer). One figure per call, in seconds.",
        compute=hold_time,
        rows=_hold_rows,
        headline=("Median hold time", "seconds", lambda r: r["median"], True),
    ),
    Measure(
        key="missed_call_callbacks",
        title="Missed calls called back within the promise",
        definition="Missed calls of the period that a person called back by the time the text-back "
        "promised (the first-response deadline), of those called back or past that time. "
        "The automatic text-back is not a callback.",
        compute=missed_call_callbacks,
        rows=_callback_rows,
        headline=(
            "Missed calls called back within the promise",
            "share",
            lambda r: r["share"],
            False,
        ),
    ),
]


def result_types() -> dict[str, Any]:
    """Every measure the dashboard shows (``definitions.METRICS`` and ``MEASURES``) and the
    type of its result, read from the function's annotation: the API lists each one, with a
    schema generated from that type."""
    return {key: get_type_hints(fn)["return"] for key, fn in compute_functions().items()}


def compute_functions() -> dict[str, Callable[[Scope], Any]]:
    """Every measure the dashboard shows and the function that computes it."""
    return {**figures.METRICS, **{m.key: m.compute for m in MEASURES}}


def compute_measures(scope: Scope) -> dict[str, Any]:
    return {measure.key: measure.compute(scope) for measure in MEASURES}


def headline_table() -> list[tuple[str, Any, str, Any, bool]]:
    table = []
    for measure in MEASURES:
        if measure.headline is not None:
            label, unit, read, lower = measure.headline
            key = measure.key

            def reader(m: dict[str, Any], key: str = key, read: Any = read) -> Any:
                return read(m[key])

            table.append((key, label, unit, reader, lower))
    return table


def compute_all(scope: Scope) -> dict[str, Any]:
    """``definitions.compute`` and every declared measure, in one dictionary."""
    return {**compute(scope), **compute_measures(scope)}


def all_headlines(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    return headlines(current, previous) + headlines(current, previous, headline_table())


def report(scope: Scope) -> dict[str, Any]:
    """``definitions.report`` with the declared measures and their headlines."""
    data = figures.report(scope)
    data["metrics"].update(compute_measures(scope))
    data["previous"].update(compute_measures(scope.previous()))
    data["headlines"] += headlines(data["metrics"], data["previous"], headline_table())
    return data


def cards(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Each declared measure's card for the dashboard: title, rows, definition."""
    return [
        {
            "key": measure.key,
            "anchor": measure.key.replace("_", "-"),
            "title": measure.title,
            "rows": measure.rows(metrics[measure.key]),
            "definition": measure.definition,
        }
        for measure in MEASURES
    ]


def definitions() -> list[dict[str, Any]]:
    """Each declared measure's title and definition (the Help page lists them)."""
    return [
        {"anchor": m.key.replace("_", "-"), "title": m.title, "definition": m.definition}
        for m in MEASURES
    ]
