"""How the figures read (issue 32 #3): changes in words, practices named, people and categories
apart, units on every figure, PDF pages that fit, suggestions for the team's size, load against
cap in every form of the weekly review, and the missed-call measures (issue 33)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from reportlab.lib.pagesizes import letter
from reportlab.platypus import KeepTogether, Table

from closeloop.intake.models import InboundKind, InboundMessage
from closeloop.messaging.models import RecoveryAnswer, RecoveryCheck
from closeloop.metrics import definitions as m
from closeloop.metrics import measures, pdf, presentation
from closeloop.metrics.models import WeeklyReview
from closeloop.metrics.weekly import csv_rows, weekly_review
from closeloop.periodic.reports import email_weekly_review, weekly_email_body
from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Role
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, EventCode, SupportItem, TimelineEvent
from tests.conftest import acknowledged, category

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def item_at(clock: Any, practice: Any, when: datetime, code: str = "scheduling", **kw: Any) -> Any:
    clock.move_to(when)
    return lifecycle.item_create(
        practice=practice,
        category=category(practice, code),
        channel=kw.pop("channel", Channel.VOICEMAIL),
        actor=None,
        summary=kw.pop("summary", "Needs help"),
        callback_number=kw.pop("callback_number", "+13125550123"),
        **kw,
    )


def broken(item: SupportItem, when: datetime) -> None:
    TimelineEvent.objects.create(
        item=item, practice=item.practice, at=when, code=EventCode.PROMISE_BROKEN
    )


# --- 1. changes in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "change"), [("share", 0), ("share", 0.002), ("count", 0), ("minutes", 0.2)]
)
def test_a_change_that_rounds_to_nothing_reads_no_change_without_an_arrow(
    unit: str, change: float
) -> None:
    headline = {"key": "x", "unit": unit, "change": change, "better": True}
    assert presentation.change_sentence(headline, "the week before") == "no change"
    assert presentation.change_arrow(headline) == ""


def test_a_share_change_is_the_difference_of_the_percentages_shown() -> None:
    headline = {"key": "routed_share", "unit": "share", "change": 0.004, "better": True}
    seen = {**headline, "value": 0.118, "previous": 0.114}  # shown as 12 % and 11 %
    assert presentation.change_sentence(seen, "the week before") == (
        "1 percentage point higher than the week before"
    )
    same = {**headline, "change": 0.002, "value": 0.113, "previous": 0.111}  # 11 % and 11 %
    assert presentation.change_sentence(same) == "no change" and not presentation.change_arrow(same)


def test_a_real_change_keeps_its_arrow_and_words() -> None:
    headline = {"key": "routed_share", "unit": "share", "change": 0.05, "better": True}
    assert presentation.change_arrow(headline) == "▲"
    assert presentation.change_sentence(headline, "the week before") == (
        "5 percentage points higher than the week before"
    )


def test_the_dashboard_never_shows_an_arrow_for_no_change(client, supervisor) -> None:
    client.force_login(supervisor)
    page = client.get(reverse("dashboard"), {"start": "2026-11-16", "end": "2026-11-22"})
    content = " ".join(page.content.decode().split())
    assert "▲ 0" not in content and "▼ 0" not in content and "▲ no change" not in content
    assert "no change" in content


# --- 2. practices named; people and categories apart -------------------------------------------


@pytest.fixture
def both(org, riverside, lakeside) -> Any:
    return staff_create(
        organization=org,
        username="sofia",
        password="pw",
        first_name="Sofía",
        last_name="Ruiz",
        roles=[Role.SUPERVISOR],
        practices=[riverside, lakeside],
    )


def test_rows_that_belong_to_a_practice_name_it_and_people_and_categories_are_apart(
    client, clock, riverside, lakeside, both
) -> None:
    for practice in (riverside, lakeside):
        item = item_at(clock, practice, at(17, 10))
        SupportItem.objects.filter(pk=item.pk).update(owner=both)
        broken(item, at(17, 12))
        RecoveryCheck.objects.create(
            item=item,
            practice=practice,
            category=item.category,
            team=item.team,
            owner=both,
            answer=RecoveryAnswer.YES,
            answered_at=at(18, 10),
        )
    client.force_login(both)
    page = client.get(reverse("dashboard"), {"start": "2026-11-16", "end": "2026-11-22"})
    content = page.content.decode()
    for key in ("patient-confirmed", "broken-promises"):
        start = content.index(f'id="{key}-by-category"')
        table = content[start : content.index("</table>", start)]
        assert "Riverside" in table and "Lakeside" in table, key
        assert "Sofía Ruiz" not in table, key  # people have their own table
        start = content.index(f'id="{key}-by-person"')
        table = content[start : content.index("</table>", start)]
        assert "Sofía Ruiz" in table and "Scheduling help" not in table, key


# --- 3. units and file names -------------------------------------------------------------------


def test_every_figure_in_the_weekly_csv_has_its_unit(clock, riverside, assistant) -> None:
    item = item_at(clock, riverside, at(17, 9))
    clock.move_to(at(17, 9, 40))
    acknowledged(item, assistant)
    review = weekly_review(riverside, date(2026, 11, 16), at(23, 9))
    rows = csv_rows(review)
    header = rows[0]
    assert "unit" in header
    unit = header.index("unit")
    for row in rows[1:]:
        if row[0] in ("week", "suggestion"):
            continue
        assert row[unit] in presentation.CSV_UNITS.values(), row
    median = next(r for r in rows if r[1] == "Median first response")
    assert median[unit] == "business minutes" and median[2] == 40
    share = next(r for r in rows if r[1] == "Routed to the right colleague at first contact")
    assert share[unit] == "%"


def test_the_queue_csv_is_named_in_the_practices_time_zone(client, clock, assistant) -> None:
    clock.move_to(datetime(2026, 11, 17, 23, 30, tzinfo=CHICAGO))  # 05:30 UTC the next day
    client.force_login(assistant)
    response = client.get("/queue.csv")
    assert "closeloop-queue-20261117-2330-CST.csv" in response["Content-Disposition"]


# --- 4. the PDF --------------------------------------------------------------------------------


@pytest.fixture
def busy_week(clock, riverside, assistant, supervisor) -> dict[str, Any]:
    for day in (16, 17, 18, 19, 20):
        for hour in (9, 10, 11):
            item = item_at(clock, riverside, at(day, hour), code="referral_document_status")
            clock.move_to(at(day, hour, 30))
            acknowledged(item, assistant)
        broken(item, at(day, 15))
    return weekly_review(riverside, date(2026, 11, 16), at(23, 9))


def test_the_open_count_has_one_source_in_the_weekly_review(busy_week) -> None:
    [open_row] = [h for h in busy_week["changes"] if h["key"] == "open_at_end"]
    assert open_row["value"] == busy_week["open_issues"]["count"] == 15


def laid_out(flowables: list[Any]) -> list[Any]:
    """The story's flowables, those kept together included."""
    found = []
    for flowable in flowables:
        found.append(flowable)
        if isinstance(flowable, KeepTogether):
            found += laid_out(flowable._content)
    return found


def test_every_pdf_table_and_chart_fits_the_page(busy_week) -> None:
    width = letter[0] - 2 * pdf.MARGIN
    tables = 0
    for flowable in laid_out(pdf.story(busy_week)):
        tables += isinstance(flowable, Table)
        if isinstance(flowable, KeepTogether):
            continue  # its parts are laid out one by one
        w, _ = flowable.wrap(width, letter[1])
        assert w <= width + 0.5, flowable
        if isinstance(flowable, Table):
            for row in flowable._cellvalues:
                for cell, column in zip(row, flowable._colWidths, strict=True):
                    assert pdf.cell_min_width(cell) <= column + 0.5, (cell, column)
    assert tables >= 5  # changes, oldest, broken promises, load, friction


def test_the_chart_legend_shows_each_lines_dash_style(busy_week) -> None:
    metrics = busy_week["metrics"]
    drawing = pdf.flow_chart(metrics["daily_flow"], metrics["open_per_day"])
    legend = next(s for s in drawing.contents if type(s).__name__ == "LineLegend")
    dashes = [getattr(swatch, "strokeDashArray", None) for swatch, _ in legend.colorNamePairs]
    assert dashes == [None, (4, 2), (1, 2)]


def test_pdf_labels_are_human_and_carry_units(busy_week, monkeypatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)
    content = pdf.weekly_review_pdf(busy_week).decode("latin-1")
    assert "average_minutes" not in content and "_" not in "".join(
        c.text
        for f in laid_out(pdf.story(busy_week))
        if isinstance(f, Table)
        for c in f._cellvalues[0]
    )
    assert "Slowest to resolve" in content and r"Broken promises \(count\)" in content
    assert "Load against cap" in content


# --- 5. suggestions for the team's size -------------------------------------------------------


def test_no_complaint_sharing_suggestion_when_only_one_person_can_take_complaints(
    clock, riverside, supervisor
) -> None:
    for hour in (9, 10, 11, 12, 13):
        item = item_at(clock, riverside, at(17, hour), code="complaint_review")
        lifecycle.item_assign(item=item, actor=supervisor, owner=supervisor, team=item.team)
    review = weekly_review(riverside, date(2026, 11, 16), at(23, 9))
    assert "spread_complaints" not in {s["rule"] for s in review["suggestions"]}


def test_complaint_sharing_names_the_colleagues_who_could_take_them(
    org, clock, riverside, supervisor
) -> None:
    staff_create(
        organization=org,
        username="second",
        password="pw",
        first_name="Pat",
        last_name="Second",
        roles=[Role.SUPERVISOR],
        practices=[riverside],
    )
    for hour in (9, 10, 11, 12, 13):
        item = item_at(clock, riverside, at(17, hour), code="complaint_review")
        lifecycle.item_assign(item=item, actor=supervisor, owner=supervisor, team=item.team)
    review = weekly_review(riverside, date(2026, 11, 16), at(23, 9))
    [text] = [s["text"] for s in review["suggestions"] if s["rule"] == "spread_complaints"]
    assert "Pat Second" in text


# --- 6. load against cap in the page, the PDF and the email -----------------------------------


def test_the_weekly_email_and_pdf_show_load_against_cap(
    busy_week, clock, riverside, supervisor, monkeypatch
) -> None:
    body = weekly_email_body(busy_week)
    assert "Load against cap (open items held / cap):" in body
    assert "  supervisor: 0 / 25" in body
    supervisor.email = "s@example.com"
    supervisor.save()
    clock.move_to(datetime(2026, 11, 23, 8, 1, tzinfo=CHICAGO))
    sweep()
    assert email_weekly_review.call(WeeklyReview.objects.get().pk) == 1
    assert "Load against cap" in mail.outbox[0].body


# --- 7. the missed-call measures --------------------------------------------------------------


def missed_call(clock: Any, practice: Any, when: datetime, sid: str, hold: int | None) -> Any:
    item = item_at(clock, practice, when, channel=Channel.PHONE, summary="Missed call")
    InboundMessage.objects.create(
        practice=practice,
        kind=InboundKind.TWILIO_CALL,
        external_id=sid,
        item=item,
        received_at=when,
        hold_seconds=hold,
    )
    return item


def test_hold_time_and_missed_calls_called_back_within_the_promise(
    clock, riverside, assistant
) -> None:
    quick = missed_call(clock, riverside, at(17, 9), "CA1", 30)
    clock.move_to(at(17, 9, 20))
    acknowledged(quick, assistant)  # a person called back before the promise
    late = missed_call(clock, riverside, at(17, 10), "CA2", 90)
    clock.move_to(late.first_response_due_at + timedelta(minutes=5))
    acknowledged(late, assistant)
    missed_call(clock, riverside, at(17, 11), "CA3", None)  # no hold reported; still waiting
    clock.move_to(at(18, 12))
    chosen = m.Scope.of([riverside], date(2026, 11, 16), date(2026, 11, 22))
    results = measures.compute_measures(chosen)
    assert results["hold_time"] == {"count": 2, "median": 30, "p90": 90, "longest": 90}
    assert results["missed_call_callbacks"] == {
        "missed": 3,
        "called_back": 2,
        "in_time": 1,
        "overdue": 1,
        "share": 0.333,
    }


def test_the_missed_call_kind_is_intakes() -> None:
    assert measures.MISSED_CALL_KIND == InboundKind.TWILIO_CALL


def test_the_dashboard_and_help_show_each_measure_with_its_definition(client, supervisor) -> None:
    client.force_login(supervisor)
    for page in (reverse("dashboard"), reverse("help")):
        content = " ".join(client.get(page).content.decode().split())
        for measure in measures.MEASURES:
            start = content.index(f'id="definition-{measure.key.replace("_", "-")}"')
            assert str(measure.definition)[:40] in content[start : start + 800], measure.key


def test_csv_of_the_review_reads_as_a_table(clock, riverside) -> None:
    review = weekly_review(riverside, date(2026, 11, 16), at(23, 9))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(review))
    assert buffer.getvalue().splitlines()[0] == "section,what,value,unit,previous week,change"
