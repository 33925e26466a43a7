"""The weekly review as a PDF (ReportLab), charts drawn with ReportLab's own graphics."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from closeloop.metrics.definitions import change_sentence, humanize

BLUE = colors.HexColor("#1d4ed8")
GREEN = colors.HexColor("#15803d")
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    table = Table([[str(c) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


def flow_chart(days: list[dict[str, Any]], opened: list[dict[str, Any]]) -> Drawing:
    """New and resolved items per day, and open items at the end of each day (lines; the
    series are told apart by dash pattern as well as color)."""
    drawing = Drawing(6.5 * inch, 2.4 * inch)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = 6.5 * inch - 170, 2.4 * inch - 60
    series = [
        [d["new"] for d in days],
        [d["resolved"] for d in days],
        [d["open"] for d in opened],
    ]
    chart.data = series
    chart.categoryAxis.categoryNames = [d["date"].strftime("%a %-d") for d in days]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    styles = [(BLUE, None), (GREEN, (4, 2)), (colors.black, (1, 2))]
    for index, (color, dash) in enumerate(styles):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 1.5
        if dash:
            chart.lines[index].strokeDashArray = dash
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 6.5 * inch - 110, 2.4 * inch - 30
    legend.fontSize = 8
    legend.colorNamePairs = [
        (BLUE, "new items"),
        (GREEN, "resolved (dashed)"),
        (colors.black, "open at day end (dotted)"),
    ]
    drawing.add(legend)
    drawing.add(String(40, 2.4 * inch - 12, "Items per day", fontSize=9, fontName="Helvetica-Bold"))
    return drawing


def category_chart(open_by_category: dict[str, int]) -> Drawing:
    names = list(open_by_category)[:8] or ["(none)"]
    values = [open_by_category.get(n, 0) for n in names]
    height = 0.3 * inch * len(names) + 40
    drawing = Drawing(6.5 * inch, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 10
    chart.width, chart.height = 6.5 * inch - 200, height - 30
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
        String(0, height - 12, "Open items by category", fontSize=9, fontName="Helvetica-Bold")
    )
    return drawing


def weekly_review_pdf(review: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"Weekly review — {review['practice']}",
        author="Closeloop",
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    story: list[Any] = [
        Paragraph(f"Weekly review — {review['practice']}", h1),
        Paragraph(
            f"{review['week_start']:%A %B %-d} to {review['week_end']:%A %B %-d, %Y}. "
            "Counts only: no patient details.",
            body,
        ),
        Spacer(1, 8),
        Paragraph("What changed since last week", h2),
        _table(
            [["", "this week", "last week", "change"]]
            + [
                [
                    h["label"],
                    humanize(h["value"], h["unit"]),
                    humanize(h["previous"], h["unit"]),
                    _change(h),
                ]
                for h in review["changes"]
            ],
            [3.2 * inch, 1 * inch, 1 * inch, 1.3 * inch],
        ),
        Spacer(1, 10),
        flow_chart(review["metrics"]["daily_flow"], review["metrics"]["open_per_day"]),
        Paragraph("Open issues", h2),
        Paragraph(
            f"{review['open_issues']['count']} open at the end of the week; "
            f"{review['open_issues']['broken_now']} past their promised update time.",
            body,
        ),
        category_chart(review["open_issues"]["by_category"]),
    ]
    oldest = review["open_issues"]["oldest"]
    if oldest:
        story += [
            Spacer(1, 6),
            _table(
                [["item", "category", "owner", "status", "days open"]]
                + [
                    [f"#{r['item']}", r["category"], r["owner"], r["status"], r["days_open"]]
                    for r in oldest
                ]
            ),
        ]
    broken = review["broken_promises"]
    story += [
        Paragraph("Broken promises", h2),
        Paragraph(f"{broken['count']} update times passed without contact this week.", body),
    ]
    if broken["by_owner"]:
        story.append(
            _table([["person", "broken"]] + [[k, v] for k, v in broken["by_owner"].items()])
        )
    story.append(Paragraph("Common friction points", h2))
    friction = review["friction"]
    for title, rows, columns in (
        ("Most repeat contacts", friction["repeat_contacts"], ["category", "count"]),
        (
            "Slowest turnaround (average business minutes)",
            friction["slowest_turnaround"],
            ["category", "average_minutes"],
        ),
        ("Escalations", friction["escalations"], ["category", "count"]),
    ):
        story.append(Paragraph(title, styles["Heading4"]))
        if rows:
            story.append(_table([columns] + [[r[c] for c in columns] for r in rows]))
        else:
            story.append(Paragraph("None this week.", body))
    story.append(Paragraph("Suggestions", h2))
    if review["suggestions"]:
        story += [Paragraph(f"• {s['text']}", body) for s in review["suggestions"]]
    else:
        story.append(Paragraph("Nothing stands out this week.", body))
    doc.build(story)
    return buffer.getvalue()


def _change(headline: dict[str, Any]) -> str:
    return change_sentence(headline, "the week before")
