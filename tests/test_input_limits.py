"""Far dates and deeply nested JSON through every door: a clear 4xx naming the problem (for a
date, the API's own message), never a 500, and nothing stored.

Business-hours arithmetic and time-zone conversion overflow near year 9999 (and before year 1
east of UTC); the API refused such years with a 422 while the pages answered 500.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.urls import reverse

from closeloop.actions import access
from closeloop.actions.inputs import Kind
from closeloop.actions.registry import ACTIONS
from closeloop.lib import dates, jsondepth, placeholders
from closeloop.lib.business_hours import CalendarError, parse_clock
from closeloop.lib.ids import parse_id
from closeloop.messaging.models import MessageTemplate
from closeloop.practices.choices import Role
from closeloop.practices.models import Category, CategoryScript, Holiday, OnCallShift
from closeloop.practices.services import staff_create
from closeloop.security.models import AuditEvent
from closeloop.support_queue.models import SupportItem, TimelineEvent
from closeloop.team.models import Absence
from closeloop.web.action_forms import ActionForm
from tests.conftest import api_auth, planned

pytestmark = pytest.mark.django_db

#: What the API answers for such a year (``update_at``: "Value error, year must be ...").
OUT_OF_RANGE = "year must be between 1900 and 2999"
FAR = "9999-12-31T23:59"
FAR_DAY = "9999-12-31"
FIRST = "0001-01-01T00:00"

INSTANT_INPUTS = [
    (action.name, spec.name)
    for action in ACTIONS.values()
    for spec in action.inputs
    if spec.kind == Kind.INSTANT
]


@pytest.fixture
def admin(org: Any, riverside: Any) -> Any:
    return staff_create(
        organization=org,
        username="ada",
        password="pw",
        roles=[Role.PRACTICE_ADMIN, Role.ORG_ADMIN],
        practices=[riverside],
    )


def as_user(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.raise_request_exception = False  # a crash is a 500 to assert on, not an exception
    return client


def plausible(form: forms.Form) -> dict[str, Any]:
    """A value for each field of a bound-to-be form that it would accept on its own."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.ModelChoiceField):
            first = field.queryset.first()  # type: ignore[union-attr]
            if first is not None:
                data[key] = getattr(first, field.to_field_name or "pk")
        elif isinstance(field, forms.ChoiceField):
            data[key] = next(value for value, _ in field.choices if value)
        elif isinstance(field, forms.DateTimeField):
            data[key] = "2026-11-18T10:00"
        elif isinstance(field, forms.CharField):
            data[key] = "Checking the schedule"
    return data


def item_state(item: SupportItem) -> tuple[Any, ...]:
    item.refresh_from_db()
    events = TimelineEvent.objects.filter(item=item).count()
    return item.version, item.promised_update_at, item.status, events


# --- the one range ----------------------------------------------------------------------------


def test_the_one_range_reads_local_times_and_days_and_refuses_far_ones() -> None:
    chicago = ZoneInfo("America/Chicago")
    assert dates.parse_local("2026-11-30T09:15", chicago) == datetime(
        2026, 11, 30, 9, 15, tzinfo=chicago
    )
    assert dates.parse_local("2999-12-31 23:59", chicago).year == 2999
    assert dates.parse_day("1900-01-01") == date(1900, 1, 1)
    for far in (FAR, FIRST, "1899-12-31T23:59"):
        with pytest.raises(dates.DateOutOfRange, match=OUT_OF_RANGE):
            dates.parse_local(far, chicago)
    with pytest.raises(dates.DateOutOfRange, match=OUT_OF_RANGE):
        dates.parse_day(FAR_DAY)
    for malformed in ("tomorrow", "2026-13-01", "+12026-01-01", "2026-11-31"):
        with pytest.raises(ValueError, match="use a date as YYYY-MM-DD, not"):
            dates.parse_day(malformed)
    for malformed in ("2026-11-30T25:00", "2026-11-30", "1700000000"):
        with pytest.raises(ValueError, match="use a date and time as YYYY-MM-DD HH:MM, not"):
            dates.parse_local(malformed, chicago)
    assert OUT_OF_RANGE == dates.OUT_OF_RANGE


# --- far dates --------------------------------------------------------------------------------


def test_every_instant_input_of_the_registry_is_checked_here() -> None:
    assert ("update_window", "update_at") in INSTANT_INPUTS
    assert len(INSTANT_INPUTS) >= 4


@pytest.mark.parametrize(("action", "field"), INSTANT_INPUTS)
@pytest.mark.parametrize("value", [FAR, FIRST])
def test_an_item_action_refuses_a_far_date_with_the_apis_message_and_stores_nothing(
    client, clock, make_item, assistant, supervisor, action, field, value
) -> None:
    item = planned(make_item(), assistant)
    actor = assistant if access.may(assistant, item, action) else supervisor
    form = ActionForm(item=item, action=ACTIONS[action], prefix=action)
    data = {**plausible(form), form.add_prefix(field): value}
    before = item_state(item)
    response = as_user(client, actor).post(reverse("item_action", args=[item.pk, action]), data)
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.content.decode()
    assert item_state(item) == before


def test_the_api_says_the_same_of_a_far_update_window(client, clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    response = client.post(
        f"/api/v1/items/{item.pk}/update-window",
        {"checking": "x", "next_step": "y", "update_at": "9999-12-31T23:59:00-06:00"},
        content_type="application/json",
        **api_auth(assistant),
    )
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.json()["error"]["fields"]["update_at"][0]


def test_logging_a_contact_refuses_a_far_promise_and_files_nothing(
    client, clock, riverside, assistant
) -> None:
    response = as_user(client, assistant).post(
        reverse("log_contact"),
        {
            "practice": riverside.pk,
            "caller": "unknown",
            "callback_number": "312-555-0100",
            "channel": "phone",
            "summary": "Wants to move Thursday's visit",
            "language": "en",
            "attach": "auto",
            "next_update_at": FAR,
        },
    )
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.content.decode()
    assert not SupportItem.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("ends_at", FAR), ("starts_at", FAR), ("starts_at", FIRST)]
)
def test_marking_someone_away_refuses_a_far_date_and_stores_nothing(
    client, clock, assistant, field, value
) -> None:
    response = as_user(client, assistant).post(reverse("shift_away"), {field: value})
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.content.decode()
    assert not Absence.objects.exists()
    assistant.staff.refresh_from_db()
    assert not assistant.staff.is_away


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_an_on_call_shift_refuses_a_far_date_and_stores_nothing(
    client, clock, admin, nurse, field
) -> None:
    data = {
        "oncall-clinician": nurse.pk,
        "oncall-starts_at": "2026-11-20T18:00",
        "oncall-ends_at": "2026-11-21T08:00",
        f"oncall-{field}": FAR,
    }
    response = as_user(client, admin).post(reverse("settings_oncall_add", args=["riverside"]), data)
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_a_holiday_refuses_a_far_date_and_stores_nothing(client, clock, admin) -> None:
    response = as_user(client, admin).post(
        reverse("settings_holiday_add", args=["riverside"]),
        {"holiday-date": FAR_DAY, "holiday-name": "Far off"},
    )
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.content.decode()
    assert not Holiday.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01", "end": FAR_DAY},
        {"end": FAR_DAY},
        {"start": "0001-01-01"},
        {"start": "0001-01-01", "end": FAR_DAY, "format": "csv"},
    ],
)
def test_the_audit_search_refuses_a_far_range(client, clock, admin, query) -> None:
    as_user(client, admin)
    before = AuditEvent.objects.count()
    response = client.get(reverse("audit"), query)
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert AuditEvent.objects.count() == before  # not even the export is recorded


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("dashboard", {"start": "2026-01-01", "end": FAR_DAY}),
        ("dashboard", {"start": "0001-01-01", "end": "0001-12-31"}),
        ("weekly_review", {"week": FAR_DAY}),
        ("weekly_review_csv", {"week": "0001-01-01"}),
    ],
)
def test_the_metrics_pages_refuse_far_dates_with_the_same_message(
    client, clock, admin, url, query
) -> None:
    response = as_user(client, admin).get(reverse(url), query)
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


def test_the_fhir_command_refuses_a_far_window(riverside) -> None:
    with pytest.raises(CommandError, match=OUT_OF_RANGE):
        call_command(
            "import_fhir", practice="riverside", url="http://127.0.0.1:9/fhir", start=FAR_DAY
        )


# --- deeply nested JSON -----------------------------------------------------------------------


def test_json_depth_counts_objects_and_arrays_without_recursion() -> None:
    assert not jsondepth.exceeds({"a": 1, "b": "text"}, 1)
    assert jsondepth.exceeds({"a": [1]}, 1) and not jsondepth.exceeds({"a": [1]}, 2)
    assert not jsondepth.exceeds([[[]]], 3) and jsondepth.exceeds([[[]]], 2)
    deep: Any = []
    for _ in range(100_000):  # far past Python's recursion limit
        deep = [deep]
    assert jsondepth.exceeds(deep, 256)
    with pytest.raises(jsondepth.TooDeep, match="nested more than 256 levels deep"):
        jsondepth.check(deep, 256)


@pytest.mark.parametrize("depth", [200, 5000])
def test_an_api_body_nested_too_deep_is_a_clear_400(client, assistant, depth) -> None:
    body = '{"summary": ' + "[" * depth + "]" * depth + "}"
    response = client.post(
        "/api/v1/items", body, content_type="application/json", **api_auth(assistant)
    )
    assert response.status_code == 400
    assert "nested more than" in response.json()["error"]["message"]
    assert not SupportItem.objects.exists()


def test_an_ordinary_api_body_is_not_refused_for_its_depth(
    client, clock, riverside, assistant
) -> None:
    response = client.post(
        "/api/v1/items",
        json.dumps(
            {
                "practice": "riverside",
                "channel": "portal",
                "summary": "Needs a copy of the referral",
                "caller_name": "Ana",
                "callback_number": "312-555-0100",
            }
        ),
        content_type="application/json",
        **api_auth(assistant),
    )
    assert response.status_code in (200, 201), response.content


# --- placeholders in text staff write -------------------------------------------------------


@pytest.mark.parametrize("typed", ["{", "Hi {0}", "Hi {first_name:>9}", "{owner!r}", "{owner.x}"])
def test_a_script_with_anything_but_plain_placeholders_is_refused_and_previewed_as_typed(
    client, clock, admin, riverside, typed
) -> None:
    category = Category.objects.get(practice=riverside, code="billing")
    as_user(client, admin)
    preview = client.post(
        reverse("settings_script_preview", args=["riverside", category.pk, "es"]),
        {"es_own": f"Le llama {{owner}}. {typed}"},
    )
    assert preview.status_code == 200
    assert "Le llama" in preview.content.decode() and "{owner}" not in preview.content.decode()
    page = client.get(reverse("settings_category", args=["riverside", category.pk]))
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if isinstance(value, str | int | bool)
    }
    before = list(CategoryScript.objects.filter(category=category).values_list("own", flat=True))
    refused = client.post(
        reverse("settings_category", args=["riverside", category.pk]),
        {**data, **{f"{lang}_own": typed for lang in ("en", "es")}},
    )
    assert refused.status_code == 422
    assert before == list(
        CategoryScript.objects.filter(category=category).values_list("own", flat=True)
    )


@pytest.mark.parametrize(("subject", "body"), [("{", "Hi"), ("Update", "Hi {first_name:d}")])
def test_a_template_with_anything_but_plain_placeholders_is_refused_and_previewed_as_typed(
    client, clock, admin, subject, body
) -> None:
    as_user(client, admin)
    preview = client.post(
        reverse("settings_template_preview", args=["riverside"]),
        {"language": "en", "subject": subject, "body": body},
    )
    assert preview.status_code == 200
    refused = client.post(
        reverse("settings_template", args=["riverside"]) + "?purpose=received&language=en",
        {"purpose": "received", "language": "en", "subject": subject, "body": body},
    )
    assert refused.status_code == 422
    assert not MessageTemplate.objects.exists()


def test_placeholders_are_plain_names_and_a_preview_never_fails() -> None:
    assert placeholders.names("Hi {first_name}, {practice} calls by {update_time}.") == {
        "first_name",
        "practice",
        "update_time",
    }
    for text in ("{", "{0}", "{}", "{first_name:d}", "{first_name!r}", "{a.b}", "{a[0]}"):
        with pytest.raises(placeholders.PlaceholderError):
            placeholders.names(text)
    values = {"first_name": "Ana"}
    assert placeholders.fill("Hi {first_name}, {owner} {first_name:>9}", values) == (
        "Hi Ana, {owner} {first_name:>9}"
    )
    assert placeholders.fill("Hi {first_name", values) == "Hi {first_name"


def test_a_template_the_models_rules_refuse_is_a_form_error_and_stores_nothing(
    client, clock, admin
) -> None:
    as_user(client, admin)
    refused = client.post(
        reverse("settings_template", args=["riverside"]) + "?purpose=received&language=en",
        {"purpose": "received", "language": "en", "subject": "Got it", "body": "We have it."},
    )
    assert refused.status_code == 422
    assert "must state {update_time}" in refused.content.decode()
    assert not MessageTemplate.objects.exists()


# --- other hostile input found by tests/test_form_fuzz.py ---------------------------------------


def test_a_patient_search_longer_than_any_name_finds_nobody(client, assistant, patient) -> None:
    response = as_user(client, assistant).get(reverse("patient_lookup"), {"q": "x" * 100_000})
    assert response.status_code == 200
    assert "Lopez" not in response.content.decode()


def test_a_practice_id_past_64_bits_is_an_invalid_choice(client, admin, assistant) -> None:
    response = as_user(client, admin).post(
        reverse("settings_staff_edit", args=[assistant.pk]),
        {
            "first_name": "Ann", "last_name": "Assistant", "email": "ann@example.com",
            "roles": ["support"], "languages": ["en"], "practices": [str(2**63)],
            "max_open_items": "25", "max_open_complaints": "5",
        },
    )  # fmt: skip
    assert response.status_code in (200, 422)  # the form again, with its errors
    assert "is not one of the available choices" in response.content.decode()
    assistant.refresh_from_db()
    assert assistant.first_name != "Ann"


# --- digits that are not ASCII ------------------------------------------------------------------
# "²".isdigit() is True but int("²") raises: a check with isdigit() let it through to int().

SUPERSCRIPT_TWO = "²"


def test_unicode_digits_are_not_ids_or_clock_times() -> None:
    assert parse_id(SUPERSCRIPT_TWO) is None and parse_id("٣") is None
    with pytest.raises(CalendarError):
        parse_clock(f"{SUPERSCRIPT_TWO}{SUPERSCRIPT_TWO}:00")


def test_an_item_page_sent_a_unicode_digit_for_its_version_does_not_fail(
    client, clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    as_user(client, assistant)
    presence = client.get(reverse("item_presence", args=[item.pk]), {"v": SUPERSCRIPT_TWO})
    assert presence.status_code == 200
    noted = client.post(
        reverse("item_action", args=[item.pk, "note"]),
        {"note-text": "Called the lab", "version": SUPERSCRIPT_TWO},
    )
    assert noted.status_code == 302  # an unreadable version is no version: applied as it is


def test_the_log_form_with_a_unicode_digit_for_a_patient_or_request_does_not_fail(
    client, clock, riverside, assistant, patient
) -> None:
    as_user(client, assistant)
    page = client.get(reverse("log_contact"), {"patient": SUPERSCRIPT_TWO})
    assert page.status_code == 200
    refused = client.post(
        reverse("log_contact"),
        {
            "practice": riverside.pk, "caller": "existing", "patient": SUPERSCRIPT_TWO,
            "channel": "phone", "summary": "Wants a callback", "language": "en",
            "attach": SUPERSCRIPT_TWO,
        },
    )  # fmt: skip
    assert refused.status_code == 422
    assert not SupportItem.objects.exists()


def test_the_api_refuses_a_unicode_digit_in_if_match(client, clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    response = client.post(
        f"/api/v1/items/{item.pk}/note",
        {"text": "Called the lab"},
        content_type="application/json",
        **api_auth(assistant),
        HTTP_IF_MATCH=f'"{SUPERSCRIPT_TWO}"',
    )
    assert response.status_code == 422


def test_emergency_access_with_unicode_digit_hours_does_not_fail(
    client, clock, admin, assistant, riverside
) -> None:
    response = as_user(client, admin).post(
        reverse("emergency_access"),
        {"user": assistant.pk, "practice": riverside.pk, "reason": "Covering", "hours": "²"},
    )
    assert response.status_code < 500
