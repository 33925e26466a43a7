"""Recovery metrics on small hand-built data with known answers; the dashboard, the weekly
review (page, CSV, PDF, email) and the API."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, is_typeddict
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from reportlab.platypus import KeepTogether, Paragraph, Table

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.intake.services import acknowledge_after_hours
from closeloop.messaging import services
from closeloop.messaging.models import (
    MessageState,
    OutboundMessage,
    ReviewDecision,
    ReviewRequest,
)
from closeloop.metrics import definitions as m
from closeloop.metrics import measures, pdf, presentation
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.metrics.scope import ScopeError, scope_from
from closeloop.metrics.weekly import csv_rows, weekly_review
from closeloop.periodic.reports import email_weekly_review
from closeloop.periodic.sweep import sweep, take_snapshot
from closeloop.practices.choices import Team
from closeloop.practices.models import Category, Holiday, Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    Status,
    SupportItem,
)
from tests.conftest import acknowledged, api_auth, category, resolved

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026 in Chicago (Mon 16, Tue 17, ... Thanksgiving Thu 26)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def scope(practice: Practice, first: int, last: int, **filters: Any) -> m.Scope:
    return m.Scope.of([practice], date(2026, 11, first), date(2026, 11, last), **filters)


@pytest.fixture
def make(clock, riverside, patient, assistant):
    """An item first contacted at ``when`` (the clock moves there)."""

    def create(when: datetime, code: str = "scheduling", **kw: Any) -> SupportItem:
        clock.move_to(when)
        return lifecycle.item_create(
            practice=riverside,
            category=category(riverside, code),
            channel=kw.pop("channel", Channel.VOICEMAIL),
            actor=kw.pop("actor", None),
            summary="Needs help",
            patient=kw.pop("patient", patient),
            **kw,
        )

    return create


def acknowledge(clock: Any, item: SupportItem, when: datetime, who: Any) -> SupportItem:
    clock.move_to(when)
    return acknowledged(item, who)


def resolve(clock: Any, item: SupportItem, when: datetime, who: Any) -> SupportItem:
    """Owner, promise, a contact with the next step, then resolution at ``when``."""
    clock.move_to(when - timedelta(minutes=2))
    item = lifecycle.item_assign(item=item, actor=who, owner=who, team=item.team)
    if item.first_response_at is None:
        item = acknowledged(item, who)
    item = lifecycle.item_set_update_window(
        item=item,
        actor=who,
        checking="it",
        next_step="call back",
        update_at=when + timedelta(hours=1),
    )
    item = lifecycle.item_log_contact(
        item=item,
        actor=who,
        direction=Direction.OUTBOUND,
        channel=Channel.PHONE,
        outcome=ContactOutcome.REACHED,
        gave_next_step=True,
        resolving=True,
    )
    clock.move_to(when)
    recovery = "Apologised and rebooked" if item.is_complaint else ""
    return lifecycle.item_resolve(item=item, actor=who, outcome="Done", recovery_action=recovery)


# --- 1 and 10: first response and language access --------------------------------------------


def test_first_response_in_business_time_with_percentiles(
    clock, make, assistant, riverside
) -> None:
    friday = make(at(13, 16, 50))  # Fri 16:50 -> Mon 08:10: 10 + 10 business minutes
    acknowledge(clock, friday, at(16, 8, 10), assistant)
    evening = make(at(16, 16, 30))  # Mon 16:30 -> Tue 08:30: 30 + 30
    acknowledge(clock, evening, at(17, 8, 30), assistant)
    morning = make(at(17, 10, 0))  # Tue 10:00 -> 10:45
    acknowledge(clock, morning, at(17, 10, 45), assistant)
    make(at(17, 11, 0))  # not answered yet
    result = m.first_response(scope(riverside, 13, 17))
    wall = result.pop("wall_clock")
    assert result == {
        "count": 3, "average": 41.7, "median": 45, "p90": 60, "unanswered": 1,
        "automatic_replies": 0,
    }  # fmt: skip
    # Beside it, the wait on the clock: Friday 16:50 to Monday 08:10 is 63 h 20 min.
    assert wall == {"count": 3, "average": 1601.7, "median": 960, "p90": 3800}
    assert m.first_response(scope(riverside, 16, 17))["count"] == 2  # Friday's is outside


def test_an_after_hours_automatic_reply_does_not_count_as_the_first_response(
    clock, make, assistant, riverside
) -> None:
    """The practice's "we got your message" text at 19:00 on a Friday is reported beside the
    first response, as an automatic reply; the first response is Monday's call."""
    item = acknowledge_after_hours(make(at(20, 19, 0)))  # Friday 19:00, office closed
    assert item.auto_replied_at is not None and item.first_response_at is None
    before = m.first_response(scope(riverside, 20, 23))
    assert (before["count"], before["unanswered"], before["automatic_replies"]) == (0, 1, 1)
    acknowledge(clock, item, at(23, 8, 30), assistant)  # Monday 08:30: a person calls
    after = m.first_response(scope(riverside, 20, 23))
    assert (after["count"], after["median"], after["automatic_replies"]) == (1, 30, 1)
    assert after["wall_clock"]["median"] == 61 * 60 + 30  # what the patient waited
    assert m.language_access(scope(riverside, 20, 23))["english"]["median"] == 30


def _undelivered(message: OutboundMessage, how: str) -> None:
    """The message never reaches the patient: cancelled at send time, or finally failed."""
    if how == "cancelled":
        assert services.message_cancel(
            message_id=message.pk, code="consent_withdrawn", reason="Opted out"
        )
    else:
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.FAILED, last_error="undelivered"
        )
        assert services.record_failure(message.pk)


@pytest.mark.parametrize("how", ["cancelled", "failed"])
def test_an_undelivered_staff_first_message_is_not_the_first_response(
    clock, make_item, assistant, riverside, how
) -> None:
    item = make_item(channel=Channel.SMS)
    message = services.message_send(
        item=item, actor=assistant, channel="sms", purpose="received",
        next_update_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    item.refresh_from_db()
    message.refresh_from_db()
    assert item.first_response_at is not None and message.first_response
    assert item.status == Status.ACKNOWLEDGED
    _undelivered(message, how)
    item.refresh_from_db()
    # The patient heard nothing: unanswered and new again, with no promise (none was made).
    assert item.first_response_at is None and item.acknowledged_how == ""
    assert item.first_response_minutes is None and item.first_response_wall_minutes is None
    assert item.status == Status.NEW and item.promised_update_at is None
    today = timezone.localdate(timezone=CHICAGO).day
    assert m.first_response(scope(riverside, today, today))["unanswered"] == 1
    # Its first-response deadline applies again: the sweep finds it late.
    clock.move_to(item.first_response_due_at + timedelta(minutes=1))
    sweep()
    assert item.events.filter(code=EventCode.FIRST_RESPONSE_LATE).count() == 1
    # The timeline says why: the message did not reach the patient, and it was not the
    # first response.
    code = EventCode.MESSAGE_CANCELLED if how == "cancelled" else EventCode.MESSAGE_FAILED
    event = item.events.get(code=code)
    assert event.changes["first_response_at"]["new"] is None
    assert event.changes["status"] == {"old": Status.ACKNOWLEDGED, "new": Status.NEW}


def test_a_call_after_an_undelivered_first_message_is_the_first_response(
    clock, make_item, assistant
) -> None:
    item = make_item(channel=Channel.SMS)
    message = services.message_send(
        item=item, actor=assistant, channel="sms", purpose="received",
        next_update_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    clock.shift(timedelta(minutes=20))
    called_at = timezone.now()
    lifecycle.item_log_contact(
        item=item, actor=assistant, direction=Direction.OUTBOUND, channel=Channel.PHONE,
        outcome=ContactOutcome.REACHED, next_update_at=timezone.now() + timedelta(hours=3),
    )  # fmt: skip
    clock.shift(timedelta(minutes=10))
    _undelivered(message, "failed")
    item.refresh_from_db()
    assert item.first_response_at == called_at and item.acknowledged_how == "call"
    assert item.first_response_wall_minutes == 20
    assert item.status == Status.ACKNOWLEDGED
    assert item.promised_update_at == called_at + timedelta(hours=3)  # the call's promise


def test_an_undelivered_message_after_the_first_response_leaves_it(
    clock, make_item, assistant
) -> None:
    item = acknowledged(make_item(channel=Channel.SMS), assistant)
    first = item.first_response_at
    clock.shift(timedelta(minutes=30))
    message = services.message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update",
        next_update_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    assert not message.first_response
    _undelivered(message, "cancelled")
    item.refresh_from_db()
    assert item.first_response_at == first and item.status == Status.ACKNOWLEDGED


def test_a_holiday_is_not_business_time(clock, make, assistant, riverside) -> None:
    Holiday.objects.create(practice=riverside, date=date(2026, 11, 26), name="Thanksgiving")
    item = make(at(25, 16, 0))  # Wed 16:00 -> (Thanksgiving) -> Fri 09:00: 60 + 60
    acknowledge(clock, item, at(27, 9, 0), assistant)
    assert m.first_response(scope(riverside, 25, 27))["median"] == 120


def test_language_access_compares_other_languages_with_english(
    clock, make, assistant, riverside
) -> None:
    english = make(at(17, 9, 0))
    acknowledge(clock, english, at(17, 9, 20), assistant)
    spanish = make(at(17, 9, 0), language="es")
    acknowledge(clock, spanish, at(17, 10, 0), assistant)
    result = m.language_access(scope(riverside, 17, 17))
    assert (result["english"]["median"], result["other"]["median"], result["gap_median"]) == (
        20,
        60,
        40,
    )


# --- 2: open items per day --------------------------------------------------------------------


def test_open_at_end_of_day_from_the_timeline_never_the_snapshots(
    clock, make, assistant, riverside
) -> None:
    make(at(12, 9))  # Thursday, before the range: open throughout
    second = make(at(16, 9))
    make(at(16, 10), code="billing")
    resolve(clock, second, at(17, 9), assistant)
    days = m.open_per_day(scope(riverside, 15, 17))
    assert [(d["date"].day, d["open"]) for d in days] == [(15, 1), (16, 3), (17, 2)]
    # A snapshot (the count at closing, for the end-of-day email) is not the end of the day.
    DailySnapshot.objects.create(
        practice=riverside, date=date(2026, 11, 16), open_items=7, broken_promises=0
    )
    assert [d["open"] for d in m.open_per_day(scope(riverside, 15, 17))] == [1, 3, 2]
    filtered = m.open_per_day(scope(riverside, 15, 17, category="billing"))
    assert [d["open"] for d in filtered] == [0, 1, 1]


def flattened(flowables: list[Any]) -> list[Any]:
    """The PDF story's flowables, those kept together included."""
    found = []
    for flowable in flowables:
        found += flattened(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
    return found


def test_dashboard_review_and_pdf_read_one_open_at_the_end_figure(
    client, clock, make, assistant, supervisor, riverside
) -> None:
    """The end-of-day snapshot (taken at closing) and the items' columns (a reopening clears
    ``resolved_at``) would each say another number; every surface says the timeline's."""
    make(at(17, 9))  # open throughout
    reopened = resolve(clock, make(at(17, 10)), at(18, 9), assistant)
    clock.move_to(at(22, 17))
    take_snapshot(riverside, date(2026, 11, 22), timezone.now())  # Sunday's closing: 1 open
    make(at(22, 20))  # a voicemail that evening: open at midnight, not in the snapshot
    clock.move_to(at(24, 10))
    lifecycle.item_reopen(item=reopened, actor=assistant, reason="Called again")  # next week
    assert DailySnapshot.objects.get(date=date(2026, 11, 22)).open_items == 1
    week = scope(riverside, 16, 22)
    assert measures.report(week)["metrics"]["open_per_day"][-1]["open"] == 2

    client.force_login(supervisor)
    page = client.get(reverse("dashboard"), {"start": "2026-11-16", "end": "2026-11-22"})
    [headline] = [h for h in page.context["headlines"] if h["key"] == "open_at_end"]
    [chart] = [c for c in page.context["charts"] if c.name == "open"]
    review = weekly_review(riverside, date(2026, 11, 16), timezone.now())
    [change] = [h for h in review["changes"] if h["key"] == "open_at_end"]
    story = flattened(pdf.story(review))
    said = [f.text for f in story if isinstance(f, Paragraph) and "open at the end" in f.text]
    [row] = [
        [cell.text for cell in r] for t in story if isinstance(t, Table) for r in t._cellvalues
        if r[0].text == "Open items at the end of the week"
    ]  # fmt: skip
    figures = {
        "dashboard": headline["value"],
        "dashboard chart": chart.series[0][1][-1],
        "review": review["open_issues"]["count"],
        "review change": change["value"],
        "review chart": review["metrics"]["open_per_day"][-1]["open"],
        "csv": next(r[2] for r in csv_rows(review) if r[1] == "open at the end of the week"),
        "pdf table": int(row[1]),
        "pdf text": int(said[0].split()[0]),
    }
    assert set(figures.values()) == {2}, figures


# --- 3: repeat contacts -----------------------------------------------------------------------


def test_repeat_contacts_count_rate_and_top(clock, make, riverside, patient) -> None:
    first, second = make(at(17, 9)), make(at(17, 9, 5), code="billing")
    for item, times in ((first, 2), (second, 1)):
        for _ in range(times):
            clock.shift(timedelta(minutes=10))
            lifecycle.item_record_repeat_contact(item=item, actor=None, channel=Channel.PHONE)
    result = m.repeat_contacts(scope(riverside, 17, 17))
    assert (result["count"], result["items"], result["rate_per_item"]) == (3, 2, 1.5)
    assert result["top_items"] == [
        {"item": first.pk, "repeats": 2},
        {"item": second.pk, "repeats": 1},
    ]
    assert result["top_patients"] == [{"patient": patient.pk, "repeats": 3}]


# --- 4: referral turnaround -------------------------------------------------------------------


def test_referral_turnaround_counts_resolved_and_still_open_referrals_in_clock_time(
    clock, make, assistant, riverside
) -> None:
    referral = make(at(17, 10), code="referral_document_status")
    resolve(clock, referral, at(18, 10), assistant)  # Tue 10:00 -> Wed 10:00: 24 h
    scheduling = make(at(17, 10))
    resolve(clock, scheduling, at(17, 11), assistant)  # another category: not counted
    clock.move_to(at(19, 9))
    result = m.referral_turnaround(scope(riverside, 18, 18))
    assert result == {
        "count": 1, "resolved": 1, "open": 0, "median": 1440, "median_at_least": False,
        "p90": 1440, "p90_at_least": False, "oldest_open": None,
    }  # fmt: skip
    # At the end of Tuesday it was still open, 14 hours old: counted, as at least that.
    tuesday = m.referral_turnaround(scope(riverside, 17, 17))
    assert (tuesday["count"], tuesday["open"], tuesday["median"]) == (1, 1, 14 * 60)
    assert tuesday["median_at_least"] is True


def test_referrals_still_open_are_not_left_out_of_the_turnaround(
    clock, make, assistant, riverside
) -> None:
    """The survivorship trap: a week of quick resolutions beside referrals open for weeks."""
    quick = make(at(17, 10), code="referral_document_status")
    resolve(clock, quick, at(18, 10), assistant)  # 24 h
    make(at(16, 9), code="referral_document_status")  # open: 63 h at the end of Wednesday
    make(at(2, 9), code="referral_document_status")  # open since two weeks before: 399 h
    late = make(at(17, 9), code="referral_document_status")
    resolve(clock, late, at(19, 8), assistant)  # resolved after the range: open (39 h) at its end
    clock.move_to(at(19, 9))
    result = m.referral_turnaround(scope(riverside, 16, 18))
    assert result == {
        "count": 4, "resolved": 1, "open": 3, "median": 39 * 60, "median_at_least": True,
        "p90": 399 * 60, "p90_at_least": True, "oldest_open": 399 * 60,
    }  # fmt: skip


# --- 5, 6, 7, 8: telehealth, complaints, reviews, risk ---------------------------------------


def test_telehealth_complaints_reviews_and_risk(
    clock, make, assistant, supervisor, riverside, patient
) -> None:
    visit = Appointment.objects.create(
        practice=riverside, source="csv", external_id="1", patient=patient, match=Match.MATCHED,
        start=at(18, 10), status=AppointmentStatus.NOSHOW, mode=Mode.TELEHEALTH,
        fingerprint="x", imported_at=at(16, 9), updated_at=at(16, 9),
    )  # fmt: skip
    telehealth = make(at(17, 9), code="telehealth_access", channel=Channel.PHONE)
    clock.move_to(at(17, 9, 5))
    lifecycle.item_link_appointment(item=telehealth, actor=assistant, appointment=visit)
    complaint = make(at(17, 9), code="complaint_review", channel=Channel.PHONE)
    make(at(17, 9, 30), code="complaint_review", channel=Channel.PHONE)
    clock.move_to(at(17, 10))
    lifecycle.item_escalate(item=complaint, actor=supervisor, reason="Angry")
    for decision in (ReviewDecision.SENT, ReviewDecision.SENT, ReviewDecision.TOO_SOON):
        ReviewRequest.objects.create(
            practice=riverside,
            item=complaint,
            patient=patient,
            decision=decision,
            created_at=at(17, 11),
        )
    window = scope(riverside, 16, 18)
    clock.move_to(at(19, 9))
    assert m.telehealth_before_appointment(window) == {
        "linked": 1,
        "resolved_before": 0,
        "share": 0.0,
    }
    # Both went to the supervisors from the start: none escalated from the front line.
    assert m.complaint_escalations(window) == {
        "total": 2, "to_supervisors": 2, "front_line": 0, "escalated": 0, "share": None,
    }  # fmt: skip
    assert m.review_requests(window) == {
        "sent": 2,
        "withheld": 1,
        "withheld_by_reason": {"too_soon": 1},
    }
    assert m.missed_appointment_risk(window) == {
        "appointments": 1,
        "at_risk": 1,
        "missed": 1,
        "missed_total": 1,
        "missed_share": 1.0,
    }


def test_complaints_escalated_are_those_the_front_line_owned_and_a_supervisor_had_to_take(
    clock, make, assistant, supervisor, riverside
) -> None:
    straight = make(at(17, 9), code="complaint_review", channel=Channel.PHONE)
    assert straight.team == Team.SUPERVISOR  # the practice's rule: complaints to supervisors
    # A scheduling request that turned out to be a complaint: the front line had it first.
    moved = make(at(17, 9, 5))
    lifecycle.item_categorize(
        item=moved, actor=assistant, category=category(riverside, "complaint_review"),
        urgency=moved.urgency, language=moved.language,
    )  # fmt: skip
    # Another practice lets its front desk take complaints first.
    Category.objects.filter(practice=riverside, code="complaint_review").update(
        default_team=Team.SUPPORT
    )
    escalated = make(at(17, 9, 10), code="complaint_review", channel=Channel.PHONE)
    called_back = make(at(17, 9, 20), code="complaint_review", channel=Channel.PHONE)
    make(at(17, 9, 30), code="complaint_review", channel=Channel.PHONE)  # recovered, no help
    clock.move_to(at(17, 10))
    lifecycle.item_escalate(item=escalated, actor=assistant, reason="Wants a manager")
    lifecycle.item_log_contact(
        item=called_back, actor=supervisor, direction=Direction.OUTBOUND, channel=Channel.PHONE,
        outcome=ContactOutcome.REACHED, next_update_at=at(17, 15),
    )  # fmt: skip
    assert m.complaint_escalations(scope(riverside, 17, 17)) == {
        "total": 5, "to_supervisors": 1, "front_line": 4, "escalated": 3, "share": 0.75,
    }  # fmt: skip


# --- 9 and 11: broken promises and load -------------------------------------------------------


def test_broken_promises_by_owner_and_category_and_load(
    clock, make, assistant, supervisor, riverside
) -> None:
    item = make(at(17, 9), code="billing")
    clock.move_to(at(17, 9, 5))
    item = lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
    acknowledged(item, assistant)
    lifecycle.item_set_update_window(
        item=item, actor=assistant, checking="bill", next_step="call", update_at=at(17, 11)
    )
    clock.move_to(at(17, 11, 1))
    sweep()
    result = m.broken_promises(scope(riverside, 17, 17))
    assert result == {
        "count": 1,
        "by_owner": {"assistant": 1},
        "by_category": {"Billing handoff": 1},
        "categories": [{"category": "Billing handoff", "practice": "Riverside", "count": 1}],
    }
    complaint = make(at(17, 12), code="complaint_review", channel=Channel.PHONE)
    resolve(clock, complaint, at(17, 13), supervisor)
    load = {r["username"]: r for r in m.load_per_person(scope(riverside, 17, 17))}
    assert (load["assistant"]["open"], load["assistant"]["resolved"]) == (1, 0)
    assert (load["supervisor"]["complaints_handled"], load["supervisor"]["open"]) == (1, 0)


# --- comparison, filters, isolation -----------------------------------------------------------


def test_previous_period_comparison_and_headlines(clock, make, assistant, riverside) -> None:
    before = make(at(16, 9))  # previous period (Mon) for the scope Tue..Tue
    acknowledge(clock, before, at(16, 10), assistant)  # 60
    now = make(at(17, 9))
    acknowledge(clock, now, at(17, 9, 30), assistant)  # 30
    result = m.report(scope(riverside, 17, 17))
    assert result["scope"]["previous_start"] == date(2026, 11, 16)
    headline = next(h for h in result["headlines"] if h["key"] == "first_response_median")
    assert (headline["value"], headline["previous"], headline["change"], headline["better"]) == (
        30,
        60,
        -30,
        True,
    )


def test_filters_narrow_every_metric(clock, make, assistant, riverside) -> None:
    make(at(17, 9), code="billing")
    make(at(17, 9), code="scheduling", language="es")
    assert m.first_response(scope(riverside, 17, 17, category="billing"))["unanswered"] == 1
    assert m.first_response(scope(riverside, 17, 17, language="es"))["unanswered"] == 1
    assert m.first_response(scope(riverside, 17, 17, channel=Channel.SMS))["unanswered"] == 0


def test_no_other_practices_data_in_any_figure(
    clock, make, lakeside_item, riverside, lakeside, outsider, supervisor
) -> None:
    lifecycle.item_record_repeat_contact(item=lakeside_item, actor=None, channel=Channel.PHONE)
    window = scope(riverside, 10, 20)
    assert m.compute(window) == m.compute(window)  # deterministic
    data = m.compute(window)
    assert data["first_response"]["unanswered"] == 0 and data["repeat_contacts"]["count"] == 0
    assert all(d["open"] == 0 for d in data["open_per_day"])
    with pytest.raises(Practice.DoesNotExist):
        scope_from(supervisor, {"practice": "lakeside"})
    outsiders = scope_from(_make_supervisor(outsider), {"start": "2026-11-10", "end": "2026-11-20"})
    assert [p.slug for p in outsiders.scope.practices] == ["lakeside"]


def _make_supervisor(user: Any) -> Any:
    user.staff.roles = [*user.staff.roles, "supervisor"]
    user.staff.save()
    return user


def test_scope_parameters_are_checked(supervisor, assistant, riverside) -> None:
    for params, message in (
        ({"start": "2026-13-01"}, "start: use a date"),
        ({"start": "2026-11-20", "end": "2026-11-10"}, "must not be after"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "at most 366 days"),
        ({"team": "janitors"}, "team: one of"),
        ({"category": "nope"}, "category: no category"),
        ({"owner": "99999999"}, "owner: not a staff member"),
    ):
        with pytest.raises(ScopeError, match=message):
            scope_from(supervisor, params)
    with pytest.raises(Practice.DoesNotExist):
        scope_from(assistant, {})  # support staff see no reports


# --- screens, downloads, email, API -----------------------------------------------------------


def test_dashboard_and_chart_csv(client, clock, make, assistant, supervisor) -> None:
    item = make(at(17, 9))
    acknowledge(clock, item, at(17, 9, 30), assistant)
    client.force_login(supervisor)
    page = client.get(reverse("dashboard"), {"start": "2026-11-10", "end": "2026-11-17"})
    assert page.status_code == 200
    content = page.content.decode()
    for heading in (
        "Median first response",
        "New and resolved items per day",
        "Load per person",
        "Table view",
    ):
        assert heading in content
    assert 'id="flow" type="application/json"' in content
    csv_text = client.get(
        reverse("chart_csv", args=["flow"]), {"start": "2026-11-10", "end": "2026-11-17"}
    ).content.decode()
    assert csv_text.splitlines()[0] == "day,new,resolved"
    assert "2026-11-17,1,0" in csv_text
    assert client.get(reverse("chart_csv", args=["nope"])).status_code == 404
    assert client.get(reverse("dashboard"), {"start": "yesterday"}).status_code == 400
    assert client.get(reverse("chart_csv", args=["flow"]), {"end": "x"}).status_code == 400
    client.force_login(assistant)
    assert client.get(reverse("dashboard")).status_code == 404
    assert client.get(reverse("weekly_review")).status_code == 404


DEFINITIONS = {
    "first-response": "first human contact",
    "complaints": "after the front line owned them",
    "referrals": "still-open referrals",
    "telehealth": "video visit in the next 7 days",
    "confirmations": "whose patient we asked to confirm",
    "resolution": "from the first contact to the resolution",
    "routing": "Taking an item oneself is not routing",
    "language-access": "the other languages' median minus the English one",
    "repeat-contacts": "about a request that is still open",
    "review-requests": "every patient alike",
    "recoveries": "Did we resolve your request?",
    "broken-promises": "passed without contact with the patient",
}


def test_every_table_of_the_dashboard_says_what_it_counts(client, supervisor) -> None:
    """No measure is a bare number: each table under "All metrics" has its definition."""
    client.force_login(supervisor)
    content = client.get(reverse("dashboard")).content.decode()
    tables = content[content.index('aria-label="All metrics"') :].split("<h3>")[1:]
    bare = [t.split("</h3>")[0] for t in tables if 'id="definition-' not in t]
    assert bare == []


@pytest.mark.parametrize(("key", "words"), DEFINITIONS.items())
def test_the_dashboard_and_the_help_page_state_each_definition(
    client, supervisor, key: str, words: str
) -> None:
    client.force_login(supervisor)
    for page in (reverse("dashboard"), reverse("help")):
        content = " ".join(client.get(page).content.decode().split())
        start = content.index(f'id="definition-{key}"')
        assert words in content[start : start + 600], page


def test_weekly_review_page_csv_and_pdf(
    client, clock, make, assistant, supervisor, riverside, monkeypatch
) -> None:
    item = make(at(17, 9), code="referral_document_status")
    lifecycle.item_record_repeat_contact(item=item, actor=None, channel=Channel.PHONE)
    client.force_login(supervisor)
    params = {"practice": "riverside", "week": "2026-11-18"}  # any day: its Monday's week
    page = client.get(reverse("weekly_review"), params).content.decode()
    for heading in (
        "What to try next",
        "What changed since last week",
        "Open at the end of the week",
        "Broken promises",
        "Common friction points",
    ):
        assert heading in page
    assert "Nov 16" in page
    csv_text = client.get(reverse("weekly_review_csv"), params).content.decode()
    assert csv_text.splitlines()[0] == "section,what,value,unit,previous week,change"
    assert "friction: repeat contacts,Referral or document status,1" in csv_text
    assert "suggestion,first_call_documentation" in csv_text
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)
    pdf = client.get(reverse("weekly_review_pdf"), params)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    for heading in (
        b"Weekly review",
        b"What changed since last week",
        b"Open issues",
        b"Common friction points",
        b"Items per day",
    ):
        assert heading in pdf.content
    assert client.get(reverse("weekly_review_pdf"), {"week": "soon"}).status_code == 400


def test_suggestions_follow_the_rules(clock, make, assistant, riverside) -> None:
    english = make(at(17, 9))
    acknowledge(clock, english, at(17, 9, 10), assistant)
    spanish = make(at(17, 9), language="es")
    acknowledge(clock, spanish, at(17, 10, 0), assistant)
    lifecycle.item_record_repeat_contact(item=english, actor=None, channel=Channel.PHONE)
    review = weekly_review(riverside, date(2026, 11, 16), at(19, 9))
    rules = {s["rule"] for s in review["suggestions"]}
    assert {"first_call_documentation", "language_coverage"} <= rules
    assert "referral_owner" not in rules
    assert csv_rows(review)[0][0] == "section"


def test_the_referral_suggestion_says_the_turnaround_counts_open_referrals(
    clock, make, assistant, riverside
) -> None:
    for day in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16):  # REFERRAL_OPEN_HIGH open referrals
        make(at(day, 9), code="referral_document_status")
    review = weekly_review(riverside, date(2026, 11, 16), at(23, 9))
    [text] = [s["text"] for s in review["suggestions"] if s["rule"] == "referral_owner"]
    assert "median turnaround at least" in text and "open ones included" in text


def test_monday_email_carries_the_review_and_its_pdf(clock, make, riverside, supervisor) -> None:
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    make(at(17, 9))
    clock.move_to(datetime(2026, 11, 23, 8, 1, tzinfo=CHICAGO))  # Monday after opening
    sweep()
    review = WeeklyReview.objects.get()
    assert email_weekly_review.call(review.pk) == 1
    review.refresh_from_db()
    assert review.summary["open_now"] == 1 and "first_response_median" in review.summary
    (message,) = mail.outbox
    assert "What to try next" in message.body
    assert "Open at the end of the week: 1" in message.body
    (name, content, kind) = message.attachments[0]
    assert name == "weekly-review-riverside-2026-11-16.pdf" and kind == "application/pdf"
    assert content.startswith(b"%PDF")
    assert "Lopez" not in message.body  # no patient details in email


def test_metrics_api(client, clock, make, assistant, supervisor) -> None:
    item = make(at(17, 9))
    acknowledge(clock, item, at(17, 9, 30), assistant)
    headers = api_auth(supervisor)
    response = client.get(
        "/api/v1/metrics",
        {"practice": "riverside", "start": "2026-11-17", "end": "2026-11-17"},
        **headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["metrics"]["first_response"]["median"] == 30
    assert body["scope"] == {
        "practices": ["riverside"],
        "start": "2026-11-17",
        "end": "2026-11-17",
        "previous_start": "2026-11-16",
        "previous_end": "2026-11-16",
    }
    bad = client.get("/api/v1/metrics", {"start": "2026-11-18", "end": "2026-11-17"}, **headers)
    assert bad.status_code == 400 and "start" in bad.json()["error"]["message"]
    assert client.get("/api/v1/metrics", {"practice": "lakeside"}, **headers).status_code == 404
    support = api_auth(assistant)
    assert client.get("/api/v1/metrics", **support).status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/metrics" in schema["paths"]


def test_the_api_lists_every_measure_the_dashboard_shows_with_its_generated_schema(
    client, clock, make, assistant, supervisor
) -> None:
    acknowledge(clock, make(at(17, 9)), at(17, 9, 30), assistant)
    headers = api_auth(supervisor)
    query = {"practice": "riverside", "start": "2026-11-17", "end": "2026-11-17"}
    body = client.get("/api/v1/metrics", query, **headers).json()
    shown = {card["key"] for card in measures.cards(body["metrics"])} | set(m.METRICS)
    assert {measure.key for measure in measures.MEASURES} <= shown
    assert set(body["metrics"]) == set(body["previous"]) == shown
    assert {"hold_time", "missed_call_callbacks", "visit_confirmations"} <= shown
    # Every field of every result, as the metric computed it (nothing dropped by the schema).
    computed = json.loads(
        json.dumps(measures.compute_all(scope(Practice.objects.get(slug="riverside"), 17, 17)),
                   default=str)
    )  # fmt: skip
    assert body["metrics"] == computed
    headline_keys = {h["key"] for h in body["headlines"]}
    assert {key for key, *_ in measures.headline_table()} <= headline_keys
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(components["MetricSetOut"]["properties"]) == shown
    for key, shape in measures.result_types().items():
        if is_typeddict(shape):  # its schema, named after it, with every field
            schema = components[f"{shape.__name__}Out"]
            assert set(schema["properties"]) == set(shape.__annotations__), key


def test_routing_at_first_contact_and_reopened_items_are_counted(
    clock, make, assistant, billing, riverside
) -> None:
    routed = make(at(17, 9, 0), code="billing", actor=assistant)  # the front desk took it
    lifecycle.item_assign(item=routed, actor=assistant, owner=billing, team="support")
    kept = make(at(17, 9, 30))
    lifecycle.item_assign(item=kept, actor=assistant, owner=assistant, team="support")
    done = resolve(clock, make(at(17, 10, 0)), at(17, 11, 0), assistant)
    clock.move_to(at(17, 12, 0))
    lifecycle.item_reopen(item=done, actor=assistant, reason="Called again")
    chosen = scope(riverside, 17, 17)
    assert m.first_contact_routing(chosen) == {"items": 3, "routed": 1, "share": 0.333}
    assert m.repeat_contacts(chosen)["reopened"] == 1
    assert m.resolution_time(chosen)["wall_clock"]["count"] == 0  # reopened: no longer resolved


def test_the_weekly_review_counts_what_was_open_at_the_end_of_that_week(
    clock, make, riverside, assistant
) -> None:
    still_open_then = make(at(17, 9))
    make(at(17, 10))  # open then and now
    resolved(make(at(18, 9)), assistant)  # resolved during the week: not open at its end
    clock.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=CHICAGO))  # the next Tuesday
    resolved(still_open_then, assistant)  # resolved after the week: it was open at its end
    make(datetime(2026, 11, 24, 10, 5, tzinfo=CHICAGO))  # the next week's: not counted
    review = weekly_review(riverside, date(2026, 11, 16), timezone.now())
    assert review["open_issues"]["count"] == 2


@pytest.mark.parametrize(
    ("key", "unit", "change", "sentence"),
    [
        ("first_response_median", "minutes", -13, "13 min faster than the week before"),
        ("first_response_median", "minutes", 90, "1 h 30 min slower than the week before"),
        ("broken_promises", "count", -2, "2 fewer than the week before"),
        ("routed_share", "share", 0.05, "5 percentage points higher than the week before"),
        ("language_gap", "minutes", -4, "4 min narrower than the week before"),
        ("broken_promises", "count", 0, "no change"),
    ],
)
def test_changes_read_as_sentences(key: str, unit: str, change: Any, sentence: str) -> None:
    headline = {"key": key, "unit": unit, "change": change}
    assert presentation.change_sentence(headline, "the week before") == sentence


def test_figures_name_people_not_logins(clock, make, assistant, supervisor) -> None:
    assistant.first_name, assistant.last_name = "María", "García"
    assistant.save()
    item = make(at(17, 9))
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
    load = m.load_per_person(m.Scope.of([item.practice], date(2026, 11, 16), date(2026, 11, 22)))
    assert load[0]["name"] == "María García"
