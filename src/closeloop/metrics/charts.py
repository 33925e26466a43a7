"""The dashboard's charts: each one is a table (labels x series) that the page draws with
Chart.js, shows as an HTML table, and offers as CSV — one definition for all three."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from closeloop.metrics.definitions import (
    Scope,
    by_category,
    daily_flow,
    load_per_person,
    open_per_day,
    weekly_first_response,
)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    kind: str  # "line" or "bar"
    label_header: str
    labels: list[str]
    series: list[tuple[str, list[Any]]]
    description: str

    def rows(self) -> list[list[Any]]:
        header = [self.label_header, *(name for name, _ in self.series)]
        body = [
            [label, *(values[i] for _, values in self.series)]
            for i, label in enumerate(self.labels)
        ]
        return [header, *body]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "series": [{"label": name, "values": values} for name, values in self.series],
        }


def build(scope: Scope, metrics: dict[str, Any] | None = None) -> list[Chart]:
    """The charts for ``scope``; ``metrics`` (from ``compute``) saves recomputing the open
    items per day and the load per person when the caller has them already."""
    if metrics is None:
        metrics = {"open_per_day": open_per_day(scope), "load_per_person": load_per_person(scope)}
    return _over_time(scope, metrics["open_per_day"]) + _breakdowns(
        scope, metrics["load_per_person"]
    )


def _over_time(scope: Scope, opened: list[dict[str, Any]]) -> list[Chart]:
    flow = daily_flow(scope)
    weekly = weekly_first_response(scope)
    return [
        Chart(
            "flow",
            "New and resolved items per day",
            "line",
            "day",
            [d["date"].isoformat() for d in flow],
            [("new", [d["new"] for d in flow]), ("resolved", [d["resolved"] for d in flow])],
            "Items first contacted and items resolved, per day.",
        ),
        Chart(
            "open",
            "Open items at the end of each day",
            "line",
            "day",
            [d["date"].isoformat() for d in opened],
            [("open", [d["open"] for d in opened])],
            "Items open at midnight, from the timeline (created or reopened, not yet resolved "
            "or merged): the same count as the weekly review's open at the end of the week.",
        ),
        Chart(
            "first_response",
            "Average first response per week (business minutes)",
            "bar",
            "week of",
            [w["week"].isoformat() for w in weekly],
            [
                ("average minutes", [w["average"] for w in weekly]),
                ("answered", [w["count"] for w in weekly]),
            ],
            "Items first contacted that week; business time on the practice's calendar.",
        ),
    ]


def _breakdowns(scope: Scope, people: list[dict[str, Any]]) -> list[Chart]:
    categories = by_category(scope)
    return [
        Chart(
            "categories",
            "By category",
            "bar",
            "category",
            [c["category"] for c in categories],
            [
                ("items", [c["items"] for c in categories]),
                ("repeat contacts", [c["repeat_contacts"] for c in categories]),
                ("broken promises", [c["broken_promises"] for c in categories]),
            ],
            "Items first contacted in the period, their repeat contacts and broken promises.",
        ),
        Chart(
            "people",
            "Load per person",
            "bar",
            "person",
            [p["name"] for p in people],
            [
                ("open now", [p["open"] for p in people]),
                ("resolved", [p["resolved"] for p in people]),
                ("complaints handled", [p["complaints_handled"] for p in people]),
            ],
            "Open items now; items and complaints resolved in the period.",
        ),
    ]
