"""Promises a practice can keep (issue 30, item 4), through every door that sets one.

A promise in the past is refused; one outside the practice's business hours needs an explicit
"after hours is fine" with a reason, which goes on the timeline; the suggested update time is
never after the item's real deadlines (a red flag's minutes, the first response, the visit).
Riverside (Chicago) is open Monday to Friday 08:00-17:00; the clock is Tuesday 10:00.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.lib.business_hours import BusinessCalendar
from closeloop.messaging.models import OutboundMessage
from closeloop.practices.local_time import for_patient
from closeloop.support_queue import lifecycle
from closeloop.support_queue.item_writes import PROMISE_HORIZON, LifecycleError
from closeloop.support_queue.models import EventCode, SupportItem, TimelineEvent
from closeloop.support_queue.selectors import promise_suggestion, suggest_update_time
from closeloop.team.bulk import bulk_run
from tests.conftest import TUESDAY_10AM_CHICAGO, Api, acknowledged, planned, resolved

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
WEEKDAYS_8_TO_5 = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
#: Wednesday 03:00 in Chicago: the office is closed.
WEDNESDAY_3AM = datetime(2026, 11, 18, 3, 0, tzinfo=CHICAGO)
#: Sunday 22:00 in Chicago, and a promise five minutes later.
SUNDAY_10PM = datetime(2026, 11, 22, 22, 0, tzinfo=CHICAGO)
#: Friday 16:45 in Chicago: a quarter of an hour before closing.
FRIDAY_445PM = datetime(2026, 11, 20, 16, 45, tzinfo=CHICAGO)


def _local(moment: datetime) -> str:
    return moment.astimezone(CHICAGO).strftime("%Y-%m-%dT%H:%M")


def _as(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _plan(item: SupportItem, when: datetime, reason: str = "") -> dict[str, str]:
    return {
        "update_window-checking": "Open slots",
        "update_window-next_step": "Book Thursday",
        "update_window-update_at": _local(when),
        "update_window-after_hours_reason": reason,
        "version": str(item.version),
    }


def _visit(riverside: Any, patient: Any, start: datetime, kind: str = "Office visit") -> Any:
    return Appointment.objects.create(
        practice=riverside,
        source="fhir",
        external_id=f"v-{start:%H%M}",
        patient=patient,
        match=Match.MATCHED,
        start=start,
        status=AppointmentStatus.BOOKED,
        mode=Mode.IN_PERSON,
        kind=kind,
        fingerprint="x",
        imported_at=TUESDAY_10AM_CHICAGO,
        updated_at=TUESDAY_10AM_CHICAGO,
        check_due_at=start - timedelta(hours=24),
        check_reminded_at=TUESDAY_10AM_CHICAGO,
    )


def _reasons(item: SupportItem) -> list[str]:
    return [
        event.changes["after_hours_reason"]["new"]
        for event in TimelineEvent.objects.filter(item=item)
        if "after_hours_reason" in event.changes
    ]


# --- the calendar's suggestion (pure) -------------------------------------------------------


def test_the_calendar_suggestion_never_passes_a_hard_deadline() -> None:
    calendar = BusinessCalendar.from_config(
        timezone="America/Chicago", weekly_hours=WEEKDAYS_8_TO_5
    )
    now = FRIDAY_445PM
    free = calendar.suggest_update_time(now, timedelta(hours=4))
    assert free.weekday() == 0 and free.hour == 11  # Monday, four business hours on
    bound = calendar.suggest_update_time(now, timedelta(hours=4), before=now + timedelta(hours=1))
    assert now < bound <= now + timedelta(hours=1)
    assert calendar.within_hours(bound)


def test_a_rounded_suggestion_stays_inside_business_hours() -> None:
    calendar = BusinessCalendar.from_config(
        timezone="America/Chicago", weekly_hours={"tue": [["08:00", "16:50"]]}
    )
    now = datetime(2026, 11, 17, 16, 0, tzinfo=CHICAGO)
    suggested = calendar.suggest_update_time(now, timedelta(minutes=45))
    assert suggested == datetime(2026, 11, 17, 16, 45, tzinfo=CHICAGO)


def test_closing_time_itself_is_within_business_hours() -> None:
    calendar = BusinessCalendar.from_config(
        timezone="America/Chicago", weekly_hours=WEEKDAYS_8_TO_5
    )
    tuesday = date(2026, 11, 17)
    assert calendar.within_hours(datetime.combine(tuesday, time(17, 0), tzinfo=CHICAGO))
    assert calendar.within_hours(datetime.combine(tuesday, time(8, 0), tzinfo=CHICAGO))
    assert not calendar.within_hours(datetime.combine(tuesday, time(17, 1), tzinfo=CHICAGO))
    assert not calendar.within_hours(datetime.combine(tuesday, time(7, 59), tzinfo=CHICAGO))


# --- suggestions never after a real deadline ------------------------------------------------


def test_a_red_flag_suggestion_is_within_its_minutes_not_next_business_day(
    make_item, nurse
) -> None:
    """The report: "Save plan" suggested Monday 12:00 for chest pain due in 15 minutes."""
    with time_machine.travel(FRIDAY_445PM, tick=False):
        item = make_item("clinical_message", summary="Chest pain", red_flag=True)
        suggestion = promise_suggestion(item)
        assert suggestion.at <= item.first_response_due_at
        assert suggestion.at > FRIDAY_445PM
        assert "red flag" in suggestion.why.lower()


def test_the_page_suggests_before_a_red_flag_first_response_due(client, make_item, nurse) -> None:
    with time_machine.travel(FRIDAY_445PM, tick=False):
        item = make_item("clinical_message", summary="Chest pain", red_flag=True)
        page = _as(client, nurse).get(f"/items/{item.pk}/").content.decode()
        suggested = suggest_update_time(item)
        assert suggested <= item.first_response_due_at
        assert f'name="update_window-update_at" value="{_local(suggested)}"' in page
        assert "red flag" in page.lower()


def test_a_suggestion_is_before_the_linked_visit(
    clock, client, make_item, assistant, riverside, patient
) -> None:
    """The report: 5:00 PM suggested for a patient whose visit was at 4:00 PM."""
    visit = _visit(riverside, patient, datetime(2026, 11, 17, 12, 0, tzinfo=CHICAGO))
    item = acknowledged(make_item("scheduling"), assistant)  # the first response is made
    item = lifecycle.item_link_appointment(item=item, actor=assistant, appointment=visit)
    suggestion = promise_suggestion(item)  # four business hours: 14:00 without the visit
    assert TUESDAY_10AM_CHICAGO < suggestion.at < visit.start
    assert "visit" in suggestion.why
    page = _as(client, assistant).get(f"/items/{item.pk}/").content.decode()
    assert f'name="update_window-update_at" value="{_local(suggestion.at)}"' in page


def test_a_suggestion_is_not_after_the_first_response_due(clock, make_item) -> None:
    item = make_item("scheduling")
    SupportItem.objects.filter(pk=item.pk).update(
        first_response_due_at=TUESDAY_10AM_CHICAGO + timedelta(minutes=50)
    )
    item.refresh_from_db()
    assert TUESDAY_10AM_CHICAGO < suggest_update_time(item) <= item.first_response_due_at


def test_with_no_business_hours_before_the_visit_the_suggestion_is_the_deadline_and_says_so(
    make_item, assistant, riverside, patient
) -> None:
    """Sunday night, a visit Monday 07:30 (before opening): no business-hours slot fits, so
    the suggestion is before the visit, and the page says it is after hours."""
    with time_machine.travel(SUNDAY_10PM, tick=False):
        visit = _visit(riverside, patient, datetime(2026, 11, 23, 7, 30, tzinfo=CHICAGO))
        item = make_item("scheduling")
        item = lifecycle.item_link_appointment(item=item, actor=assistant, appointment=visit)
        suggestion = promise_suggestion(item)
        assert SUNDAY_10PM < suggestion.at < visit.start
        assert suggestion.after_hours and "after hours" in suggestion.why


# --- the page -------------------------------------------------------------------------------


def test_the_page_refuses_a_promise_in_the_past(clock, client, make_item, assistant) -> None:
    item = make_item()
    response = _as(client, assistant).post(
        f"/items/{item.pk}/update_window/", _plan(item, TUESDAY_10AM_CHICAGO - timedelta(hours=1))
    )
    assert response.status_code == 422
    assert "must be in the future" in response.content.decode()
    assert "update_at" in response.context["forms"]["update_window"].errors
    item.refresh_from_db()
    assert item.promised_update_at is None


def test_the_page_asks_for_a_reason_for_a_promise_after_hours(
    clock, client, make_item, assistant
) -> None:
    item = make_item()
    client = _as(client, assistant)
    refused = client.post(f"/items/{item.pk}/update_window/", _plan(item, WEDNESDAY_3AM))
    assert refused.status_code == 422
    assert "outside business hours" in refused.content.decode()
    assert (
        "after_hours_reason" in refused.context["forms"]["update_window"].errors
    )  # the field to fill in
    item.refresh_from_db()
    assert item.promised_update_at is None
    done = client.post(
        f"/items/{item.pk}/update_window/",
        _plan(item, WEDNESDAY_3AM, "Night nurse calls back after the lab run"),
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.promised_update_at == WEDNESDAY_3AM
    assert _reasons(item) == ["Night nurse calls back after the lab run"]
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "Night nurse calls back after the lab run" in page


def test_a_promise_within_business_hours_needs_no_reason(clock, client, make_item, assistant):
    item = make_item()
    closing = datetime(2026, 11, 17, 17, 0, tzinfo=CHICAGO)
    done = _as(client, assistant).post(f"/items/{item.pk}/update_window/", _plan(item, closing))
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.promised_update_at == closing and _reasons(item) == []


# --- the API --------------------------------------------------------------------------------


def _api_plan(when: datetime, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "checking": "Slots",
        "next_step": "Book Thu",
        "update_at": when.isoformat(),
    }
    if reason is not None:
        body["after_hours_reason"] = reason
    return body


def test_the_api_refuses_a_promise_in_the_past(clock, client, make_item, assistant) -> None:
    item = make_item()
    response = Api.of(client, assistant).post(
        f"/items/{item.pk}/update-window", _api_plan(TUESDAY_10AM_CHICAGO - timedelta(minutes=1))
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "promise_in_past"


def test_the_api_refuses_3am_tuesday_without_a_reason_and_takes_it_with_one(
    clock, client, make_item, assistant
) -> None:
    item = make_item()
    api = Api.of(client, assistant)
    refused = api.post(f"/items/{item.pk}/update-window", _api_plan(WEDNESDAY_3AM))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "after_hours_reason_required"
    done = api.post(
        f"/items/{item.pk}/update-window", _api_plan(WEDNESDAY_3AM, "Patient works nights")
    )
    assert done.status_code == 200, done.content
    timeline = client.get(f"/api/v1/items/{item.pk}/timeline", **api.headers).json()
    assert timeline[-1]["changes"]["after_hours_reason"]["new"] == "Patient works nights"


def test_the_api_refuses_five_minutes_ahead_on_a_sunday_night(client, make_item, assistant):
    with time_machine.travel(SUNDAY_10PM, tick=False):
        item = make_item()
        api = Api.of(client, assistant)
        soon = SUNDAY_10PM + timedelta(minutes=5)
        acknowledge = api.post(
            f"/items/{item.pk}/acknowledge", {"how": "call", "next_update_at": soon.isoformat()}
        )
        assert acknowledge.status_code == 422
        assert acknowledge.json()["error"]["code"] == "after_hours_reason_required"
        monday = datetime(2026, 11, 23, 9, 0, tzinfo=CHICAGO)
        ok = api.post(
            f"/items/{item.pk}/acknowledge", {"how": "call", "next_update_at": monday.isoformat()}
        )
        assert ok.status_code == 200, ok.content


def test_every_promise_the_api_takes_is_checked_the_same_way(
    clock, client, make_item, assistant
) -> None:
    """Contact, message and reopen set promises too: none bypasses the rule."""
    item = planned(make_item(), assistant)
    api = Api.of(client, assistant)
    contact = {
        "direction": "outbound",
        "channel": "phone",
        "outcome": "reached",
        "next_update_at": WEDNESDAY_3AM.isoformat(),
    }
    refused = api.post(f"/items/{item.pk}/contact", contact)
    assert refused.json()["error"]["code"] == "after_hours_reason_required"
    past = api.post(
        f"/items/{item.pk}/contact",
        {**contact, "next_update_at": (TUESDAY_10AM_CHICAGO - timedelta(hours=2)).isoformat()},
    )
    assert past.json()["error"]["code"] == "promise_in_past"
    ok = api.post(f"/items/{item.pk}/contact", {**contact, "after_hours_reason": "Asked for it"})
    assert ok.status_code == 200, ok.content
    assert _reasons(item) == ["Asked for it"]


def test_a_red_flag_promise_runs_on_the_clock_at_any_hour(client, make_item, nurse) -> None:
    """Urgent symptoms are answered at any hour (the practice's red-flag minutes): a promise
    on one is not an after-hours exception."""
    with time_machine.travel(SUNDAY_10PM, tick=False):
        item = make_item("clinical_message", summary="Chest pain", red_flag=True, actor=nurse)
        soon = SUNDAY_10PM + timedelta(minutes=10)
        ok = Api.of(client, nurse).post(
            f"/items/{item.pk}/acknowledge", {"how": "call", "next_update_at": soon.isoformat()}
        )
        assert ok.status_code == 200, ok.content


# --- bulk -----------------------------------------------------------------------------------


def test_bulk_moving_promises_refuses_the_past_and_unexplained_after_hours(
    clock, make_item, assistant
) -> None:
    items = [planned(make_item(summary=f"n{n}"), assistant) for n in range(2)]
    ids = [item.pk for item in items]
    past = bulk_run(
        actor=assistant,
        item_ids=ids,
        action="update_window",
        data={"update_at": TUESDAY_10AM_CHICAGO - timedelta(hours=1)},
    )
    assert past.done == [] and all("future" in why for _, why in past.refused)
    night = bulk_run(
        actor=assistant, item_ids=ids, action="update_window", data={"update_at": WEDNESDAY_3AM}
    )
    assert night.done == [] and all("business hours" in why for _, why in night.refused)
    done = bulk_run(
        actor=assistant,
        item_ids=ids,
        action="update_window",
        data={"update_at": WEDNESDAY_3AM, "after_hours_reason": "Phones down until tonight"},
    )
    assert done.done == ids
    for item in items:
        item.refresh_from_db()
        assert item.promised_update_at == WEDNESDAY_3AM
        assert item.checking == "Open slots"  # the plan itself is kept
        assert _reasons(item) == ["Phones down until tonight"]


def test_the_bulk_page_moves_promises_through_the_same_rule(
    clock, client, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    client = _as(client, assistant)
    form = {"action": "update_window", "item": [item.pk], "update_at": _local(WEDNESDAY_3AM)}
    refused = client.post("/bulk/", form, follow=True).content.decode()
    assert "outside business hours" in refused
    client.post("/bulk/", {**form, "after_hours_reason": "Patient works nights"})
    item.refresh_from_db()
    assert item.promised_update_at == WEDNESDAY_3AM
    assert _reasons(item) == ["Patient works nights"]
    bad = client.post("/bulk/", {**form, "update_at": "soon"}, follow=True).content.decode()
    assert "YYYY-MM-DD" in bad


def test_the_service_refuses_a_promise_after_hours_without_a_reason(clock, make_item, assistant):
    item = make_item()
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_set_update_window(
            item=item, actor=assistant, checking="a", next_step="b", update_at=WEDNESDAY_3AM
        )
    assert refused.value.code == "after_hours_reason_required"
    assert EventCode.UPDATE_WINDOW not in set(item.events.values_list("code", flat=True))


def test_a_far_date_is_still_refused(clock, client, make_item, assistant) -> None:
    item = make_item()
    far = {"checking": "Slots", "next_step": "Book", "update_at": "9999-12-31T10:00:00+00:00"}
    response = Api.of(client, assistant).post(f"/items/{item.pk}/update-window", far)
    assert response.status_code == 422


# --- a live call filed with its promise (the log page and the API's new item) ---------------


def test_a_live_call_filed_through_the_api_promises_after_hours_only_with_a_reason(
    clock, client, assistant
) -> None:
    api = Api.of(client, assistant)
    call = {
        "practice": "riverside",
        "category": "scheduling",
        "channel": "phone",
        "summary": "Move Thursday's visit",
        "callback_number": "312-555-0190",
        "next_update_at": WEDNESDAY_3AM.isoformat(),
    }
    refused = api.post("/items", call)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "after_hours_reason_required"
    assert not SupportItem.objects.exists()
    filed = api.post("/items", {**call, "after_hours_reason": "Caller works nights"})
    assert filed.status_code in (200, 201), filed.content
    assert _reasons(SupportItem.objects.get()) == ["Caller works nights"]


def test_the_log_page_refuses_a_past_promise_and_an_unexplained_night_one(
    clock, client, assistant, riverside
) -> None:
    client = _as(client, assistant)
    call = {
        "practice": riverside.pk,
        "channel": "phone",
        "summary": "Move Thursday's visit",
        "caller": "unknown",
        "caller_name": "Sam Doe",
        "callback_number": "312-555-0190",
        "language": "en",
        "attach": "new",
        "next_update_at": _local(TUESDAY_10AM_CHICAGO - timedelta(hours=1)),
    }
    past = client.post("/log/", call)
    assert "must be in the future" in past.content.decode()
    night = client.post("/log/", {**call, "next_update_at": _local(WEDNESDAY_3AM)})
    assert "outside business hours" in night.content.decode()
    assert not SupportItem.objects.exists()
    client.post(
        "/log/",
        {**call, "next_update_at": _local(WEDNESDAY_3AM), "after_hours_reason": "Night shift"},
    )
    assert _reasons(SupportItem.objects.get()) == ["Night shift"]


# --- a time quoted in a message on a closed item; a promise that never comes due --------------


def _pending_update(when: str, reason: str = "") -> dict[str, str]:
    body = {"channel": "sms", "purpose": "pending_update", "next_update_at": when}
    return {**body, "after_hours_reason": reason} if reason else body


def test_a_message_on_a_resolved_item_cannot_quote_a_past_or_3am_time(
    clock, client, make_item, assistant
) -> None:
    item = resolved(make_item(), assistant)
    api = Api.of(client, assistant)
    past = (TUESDAY_10AM_CHICAGO - timedelta(days=2)).isoformat()
    refused = api.post(f"/items/{item.pk}/message", _pending_update(past))
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "promise_in_past"
    night = api.post(f"/items/{item.pk}/message", _pending_update(WEDNESDAY_3AM.isoformat()))
    assert night.status_code == 422
    assert night.json()["error"]["code"] == "after_hours_reason_required"
    assert not OutboundMessage.objects.filter(item=item).exists()
    ok = api.post(
        f"/items/{item.pk}/message", _pending_update(WEDNESDAY_3AM.isoformat(), "Works nights")
    )
    assert ok.status_code == 200, ok.content
    assert _reasons(item) == ["Works nights"]


def test_the_message_page_on_a_resolved_item_refuses_3am_without_a_reason(
    clock, client, make_item, assistant
) -> None:
    item = resolved(make_item(), assistant)
    form = {
        "message-channel": "sms",
        "message-purpose": "pending_update",
        "message-next_update_at": _local(WEDNESDAY_3AM),
        "version": str(item.version),
    }
    refused = _as(client, assistant).post(f"/items/{item.pk}/message/", form)
    assert refused.status_code == 422
    assert "outside business hours" in refused.content.decode()
    assert not OutboundMessage.objects.filter(item=item).exists()


#: Year 2999: a promise that would never come due.
NEVER = datetime(2999, 12, 31, 10, 0, tzinfo=CHICAGO)


def test_the_page_refuses_a_promise_beyond_the_horizon_and_says_the_date(
    clock, client, make_item, assistant
) -> None:
    item = make_item()
    refused = _as(client, assistant).post(f"/items/{item.pk}/update_window/", _plan(item, NEVER))
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Dec 31, 2999" in page and f"{PROMISE_HORIZON.days} days" in page
    item.refresh_from_db()
    assert item.promised_update_at is None


def test_the_api_refuses_a_promise_beyond_the_horizon_in_a_plan_and_a_message(
    clock, client, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    api = Api.of(client, assistant)
    plan = api.post(f"/items/{item.pk}/update-window", _api_plan(NEVER))
    assert plan.status_code == 422 and plan.json()["error"]["code"] == "promise_too_far"
    assert "2999" in plan.json()["error"]["message"]
    message = api.post(f"/items/{item.pk}/message", _pending_update(NEVER.isoformat()))
    assert message.status_code == 422 and message.json()["error"]["code"] == "promise_too_far"
    assert not OutboundMessage.objects.filter(item=item).exists()


def test_bulk_refuses_a_promise_beyond_the_horizon(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    far = bulk_run(
        actor=assistant, item_ids=[item.pk], action="update_window", data={"update_at": NEVER}
    )
    assert far.done == [] and all("2999" in why for _, why in far.refused)


def test_a_promise_at_the_horizon_is_kept(clock, make_item, assistant) -> None:
    """A prior authorisation or a referral can take weeks: a promise up to the horizon, in
    business hours, is taken."""
    day = (TUESDAY_10AM_CHICAGO + PROMISE_HORIZON).astimezone(CHICAGO).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    last = datetime.combine(day, time(10, 0), tzinfo=CHICAGO)
    item = lifecycle.item_set_update_window(
        item=make_item(), actor=assistant, checking="Prior authorisation", next_step="Call back",
        update_at=last,
    )  # fmt: skip
    assert item.promised_update_at == last


def test_the_after_hours_refusal_says_the_date(clock, make_item, assistant) -> None:
    next_year = datetime(2027, 1, 6, 3, 0, tzinfo=CHICAGO)
    for when, said in ((WEDNESDAY_3AM, "Wed Nov 18, 3:00 AM CST"),
                       (next_year, "Wed Jan 6, 2027, 3:00 AM CST")):  # fmt: skip
        with pytest.raises(LifecycleError) as refused:
            lifecycle.item_set_update_window(
                item=make_item(), actor=assistant, checking="a", next_step="b", update_at=when
            )
        assert said in refused.value.message


def test_a_patient_is_told_the_year_when_it_is_not_this_year(clock, riverside) -> None:
    january = datetime(2027, 1, 5, 11, 30, tzinfo=CHICAGO)
    assert for_patient(riverside, january, "en") == "Tuesday, January 5, 2027 at 11:30 AM"
    assert for_patient(riverside, january, "es") == "el martes 5 de enero de 2027 a las 11:30"
    november = datetime(2026, 11, 17, 11, 30, tzinfo=CHICAGO)
    assert for_patient(riverside, november, "en") == "Tuesday, November 17 at 11:30 AM"


#: Reasons that say nothing (attack review F6): invisible characters, a punctuation token.
EMPTY_REASONS = ["\u200b", "\u2060\u200b\ufeff", ".", " - ", "\u00a0\u3000", "?!", "a."]


@pytest.mark.parametrize("reason", EMPTY_REASONS)
def test_the_api_refuses_an_after_hours_reason_that_says_nothing(
    clock, client, make_item, assistant, reason
) -> None:
    item = make_item()
    refused = Api.of(client, assistant).post(
        f"/items/{item.pk}/update-window", _api_plan(WEDNESDAY_3AM, reason)
    )
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "after_hours_reason_required"
    assert "why after hours is fine" in refused.json()["error"]["message"]
    assert EventCode.UPDATE_WINDOW not in set(item.events.values_list("code", flat=True))


@pytest.mark.parametrize("reason", EMPTY_REASONS)
def test_the_service_refuses_an_after_hours_reason_that_says_nothing(
    clock, make_item, assistant, reason
) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_set_update_window(
            item=make_item(), actor=assistant, checking="a", next_step="b",
            update_at=WEDNESDAY_3AM, after_hours_reason=reason,
        )  # fmt: skip
    assert refused.value.code == "after_hours_reason_required"


@pytest.mark.parametrize("reason", ["Works nights", "夜勤です", "Trabaja de noche"])
def test_a_short_real_reason_in_any_script_is_taken_without_its_invisible_characters(
    clock, make_item, assistant, reason
) -> None:
    item = lifecycle.item_set_update_window(
        item=make_item(), actor=assistant, checking="a", next_step="b",
        update_at=WEDNESDAY_3AM, after_hours_reason=f"\u200b{reason}\u2060",
    )  # fmt: skip
    assert _reasons(item) == [reason]
