"""The weekly review as a PDF (ReportLab), charts drawn with ReportLab's own graphics.

Every table is laid out in the page's frame: column widths are shares of the frame's width
and every cell is a paragraph that wraps, so nothing runs off the page (a test lays the story
out and checks each cell's widest word against its column). Labels are words with their
units, never field names."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import LineLegend, LineSwatch
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from closeloop.metrics.presentation import WEEK_BEFORE, change_arrow, change_sentence, humanize

BLUE = colors.HexColor("#1d4ed8")
GREEN = colors.HexColor("#15803d")
MARGIN = 0.75 * inch
#: The frame's width: every table and chart is laid out in it.
WIDTH = letter[0] - 2 * MARGIN
#: Table cells' left and right padding (ReportLab's default, 6 points each side).
PADDING = 12
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
_styles = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=_styles["BodyText"], fontSize=8.5, leading=10.5)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
#: The series of the flow chart: (label, color, dash pattern). Told apart by dash as well as
#: color, and the legend draws each line's dash.
SERIES = [
    ("new items", BLUE, None),
    ("resolved", GREEN, (4, 2)),
    ("open at day end", colors.black, (1, 2)),
]


def _cell(value: Any, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(escape(str(value)), style)


def table(header: list[str], rows: list[list[Any]], shares: list[float]) -> Table:
    """A table as wide as the frame at most: ``shares`` are the columns' parts of it."""
    widths = [WIDTH * share for share in shares]
    body = [[_cell(c, HEAD) for c in header]] + [[_cell(c) for c in row] for row in rows]
    laid = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    laid.setStyle(GRID)
    return laid


def cell_min_width(cell: Any) -> float:
    """The narrowest a cell can be laid out (its widest word, plus the padding)."""
    parts = cell if isinstance(cell, (list, tuple)) else [cell]
    return max(float(part.minWidth()) for part in parts) + PADDING


def flow_chart(days: list[dict[str, Any]], opened: list[dict[str, Any]]) -> Drawing:
    """New and resolved items per day, and open items at the end of each day (lines; the
    series are told apart by dash pattern as well as color, and so is the legend)."""
    drawing = Drawing(WIDTH, 2.4 * inch)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = WIDTH - 190, 2.4 * inch - 60
    chart.data = [
        [d["new"] for d in days],
        [d["resolved"] for d in days],
        [d["open"] for d in opened],
    ]
    chart.categoryAxis.categoryNames = [d["date"].strftime("%a %-d") for d in days]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    legend = LineLegend()
    legend.x, legend.y = WIDTH - 130, 2.4 * inch - 30
    legend.fontSize = 8
    legend.dx, legend.dy = 24, 8
    pairs: list[tuple[Any, str]] = []
    for index, (label, color, dash) in enumerate(SERIES):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 1.5
        swatch = LineSwatch()
        swatch.strokeColor, swatch.strokeWidth = color, 1.5
        if dash:
            chart.lines[index].strokeDashArray = dash
            swatch.strokeDashArray = dash
        pairs.append((swatch, label))
    legend.colorNamePairs = pairs
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(40, 2.4 * inch - 12, "Items per day", fontSize=9, fontName="Helvetica-Bold"))
    return drawing


def category_chart(open_by_category: dict[str, int]) -> Drawing:
    names = list(open_by_category)[:8] or ["(none)"]
    values = [open_by_category.get(n, 0) for n in names]
    height = 0.3 * inch * len(names) + 40
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 10
    chart.width, chart.height = WIDTH - 200, height - 30
    chart.data = [values]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 7
    drawing.add(chart)
    drawing.add(
        String(
            0, height - 12, "Open items by category (count)", fontSize=9, fontName="Helvetica-Bold"
        )
    )
    return drawing


def _changes(review: dict[str, Any]) -> Table:
    rows = [
        [
            h["label"],
            humanize(h["value"], h["unit"]),
            humanize(h["previous"], h["unit"]),
            f"{change_arrow(h)} {change_sentence(h, WEEK_BEFORE)}".strip(),
        ]
        for h in review["changes"]
    ]
    return table(["", "This week", "Last week", "Change"], rows, [0.38, 0.14, 0.14, 0.34])


def _open_issues(review: dict[str, Any], body: ParagraphStyle) -> list[Flowable]:
    issues = review["open_issues"]
    story: list[Flowable] = [
        Paragraph(
            f"{issues['count']} open at the end of the week; "
            f"{issues['broken_now']} past their promised update time.",
            body,
        ),
        category_chart(issues["by_category"]),
    ]
    if issues["oldest"]:
        rows = [
            [
                f"#{r['item']}",
                r["category"],
                r["owner"],
                r["status"],
                humanize(r["days_open"], "days"),
            ]
            for r in issues["oldest"]
        ]
        story += [
            Spacer(1, 6),
            table(
                ["Oldest open item", "Category", "Owner", "Status", "Open for"],
                rows,
                [0.14, 0.32, 0.22, 0.16, 0.16],
            ),
        ]
    return story


def _broken_promises(review: dict[str, Any], body: ParagraphStyle) -> list[Flowable]:
    broken = review["broken_promises"]
    story: list[Flowable] = [
        Paragraph(f"{broken['count']} update times passed without contact this week.", body)
    ]
    if broken["by_owner"]:
        rows = [[who, n] for who, n in broken["by_owner"].items()]
        story += [Spacer(1, 4), table(["Person", "Broken promises (count)"], rows, [0.5, 0.3])]
    if broken["by_category"]:
        rows = [[name, n] for name, n in broken["by_category"].items()]
        story += [Spacer(1, 4), table(["Category", "Broken promises (count)"], rows, [0.5, 0.3])]
    return story


def _load(review: dict[str, Any], body: ParagraphStyle) -> list[Flowable]:
    rows = [
        [
            r["person"] + (" (away)" if r["away"] else ""),
            r["open"],
            r["cap"],
            "over cap" if r["over"] else "",
        ]
        for r in review.get("load", [])
    ]
    if not rows:
        return [Paragraph("Nobody serves this practice yet.", body)]
    return [
        table(
            ["Person", "Open items held (count)", "Cap (open items)", "Over cap?"],
            rows,
            [0.4, 0.2, 0.2, 0.2],
        )
    ]


def _friction(review: dict[str, Any], styles: Any) -> list[Flowable]:
    friction, body = review["friction"], styles["BodyText"]
    sections = [
        (
            "Most repeat contacts",
            ["Category", "Repeat contacts (count)"],
            [[r["category"], r["count"]] for r in friction["repeat_contacts"]],
            [0.5, 0.3],
        ),
        (
            "Slowest to resolve (business time)",
            ["Category", "Average time to resolution", "Resolved (count)"],
            [
                [r["category"], humanize(r["average_minutes"], "minutes"), r["resolved"]]
                for r in friction["slowest_turnaround"]
            ],
            [0.4, 0.3, 0.2],
        ),
        (
            "Escalations",
            ["Category", "Escalations (count)", "At a broken promise", "Before a visit"],
            [
                [r["category"], r["count"], r["broken_promise"], r["before_visit"]]
                for r in friction["escalations"]
            ],
            [0.4, 0.2, 0.2, 0.2],
        ),
    ]
    story: list[Flowable] = []
    for title, header, rows, shares in sections:
        content = table(header, rows, shares) if rows else Paragraph("None this week.", body)
        # A heading never ends a page without its table.
        story.append(KeepTogether([Paragraph(title, styles["Heading4"]), content]))
    return story


def story(review: dict[str, Any]) -> list[Flowable]:
    """The review's flowables, in order (the PDF, and the layout test, lay them out)."""
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    practice = escape(review["practice"])
    flow: list[Flowable] = [
        Paragraph(f"Weekly review — {practice}", h1),
        Paragraph(
            f"{review['week_start']:%A %B %-d} to {review['week_end']:%A %B %-d, %Y}. "
            "Counts only: no patient details. Times are business time on the practice's "
            "calendar unless they say clock time.",
            body,
        ),
        Spacer(1, 8),
        Paragraph("What changed since last week", h2),
        _changes(review),
        Spacer(1, 10),
        flow_chart(review["metrics"]["daily_flow"], review["metrics"]["open_per_day"]),
        KeepTogether([Paragraph("Open issues", h2), *_open_issues(review, body)[:2]]),
        *_open_issues(review, body)[2:],
        *_headed(Paragraph("Broken promises", h2), _broken_promises(review, body)),
        *_headed(Paragraph("Load against cap: open items held now", h2), _load(review, body)),
        *_headed(Paragraph("Common friction points", h2), _friction(review, styles)),
        Paragraph("Suggestions", h2),
    ]
    if review["suggestions"]:
        flow += [Paragraph(f"• {escape(s['text'])}", body) for s in review["suggestions"]]
    else:
        flow.append(Paragraph("Nothing stands out this week.", body))
    return flow


def _headed(heading: Flowable, section: list[Flowable]) -> list[Flowable]:
    """A section whose heading stays on the page of its first part (a heading alone at the
    foot of a page, its table on the next, read as an empty section). A first part kept
    together already is opened: ReportLab lays a kept-together part inside another out as
    taller than any page, which would push the section to the next page whatever its size."""
    first = section[:1]
    if first and isinstance(first[0], KeepTogether):
        first = list(first[0]._content)
    return [KeepTogether([heading, *first]), *section[1:]]


def weekly_review_pdf(review: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"Weekly review — {review['practice']}",
        author="Closeloop",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    doc.build(story(review))
    return buffer.getvalue()
