"""The staff workspace pages: queue tabs and export, logging a contact, item actions, patients."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext

from closeloop.patients.services import patient_create
from closeloop.practices.choices import Team
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, EventCode, Status, SupportItem, WaitingOn
from tests.conftest import TUESDAY_10AM_CHICAGO, category, planned, resolved
from tests.test_intake import contact_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client, assistant):
    client.force_login(assistant)
    return client


def owned(make_item: Any, who: Any, **kw: Any) -> SupportItem:
    item = make_item(**kw)
    return lifecycle.item_assign(item=item, actor=who, owner=who, team=item.team)


# --- queue ------------------------------------------------------------------------------------


def test_queue_tabs_count_and_list_the_right_items(
    signed_in, clock, make_item, assistant, nurse
) -> None:
    mine = planned(make_item(summary="mine"), assistant, after=timedelta(minutes=60))
    unassigned = make_item(summary="nobody's")
    clinical = make_item("clinical_message", summary="clinical")
    waiting = lifecycle.item_wait(
        item=planned(
            make_item(summary="waiting"), assistant, acknowledge=True, after=timedelta(minutes=420)
        ),
        actor=assistant,
        waiting_on=WaitingOn.INSURER,
    )
    broken = planned(
        make_item(summary="broken"), assistant, acknowledge=True, after=timedelta(minutes=5)
    )
    lifecycle.item_escalate(item=unassigned, actor=assistant, reason="Angry")
    clock.shift(timedelta(minutes=10))

    page = signed_in.get("/?tab=mine")
    counts = {name: count for name, _, count in page.context["tabs"]}
    assert counts == {
        "mine": 3,
        "requests": 0,
        "team": 4,
        "unassigned": 2,
        # mine (promise in 50 min, reply due); unassigned and clinical (first reply due in 50
        # min); not waiting (promise in 6 h 50 min) nor broken (its promise already passed).
        "due_soon": 3,
        "broken": 1,
        "clinical": 1,
        "waiting": 1,
        "escalated": 1,
        "resolved_today": 0,
        "open": 5,
    }
    listed = lambda tab: {i.summary for i in signed_in.get(f"/?tab={tab}").context["page"]}  # noqa: E731
    assert listed("mine") == {mine.summary, waiting.summary, broken.summary}
    assert listed("broken") == {"broken"}
    assert listed("clinical") == {clinical.summary}
    assert listed("escalated") == {"nobody's"}
    assert listed("nonsense") == listed("mine")
    assert "Overdue" in signed_in.get("/?tab=broken").content.decode()


def test_queue_filters_combine_with_tabs(signed_in, clock, make_item, assistant) -> None:
    make_item(channel=Channel.SMS, summary="by text")
    make_item(channel=Channel.VOICEMAIL, summary="by voicemail", language="es")
    rows = lambda q: {i.summary for i in signed_in.get("/?tab=open&" + q).context["page"]}  # noqa: E731
    assert rows("channel=sms") == {"by text"}
    assert rows("language=es") == {"by voicemail"}
    assert rows("category=billing") == set()
    assert rows("owner=none") == {"by text", "by voicemail"}
    assert rows(f"owner={assistant.pk}") == set()


def test_queue_page_queries_do_not_grow_with_page_size(
    signed_in, clock, make_item, assistant, patient
) -> None:
    owned(make_item, assistant)
    with CaptureQueriesContext(connection) as one:
        assert signed_in.get("/?tab=open").status_code == 200
    for n in range(20):
        item = owned(make_item, assistant, summary=f"item {n}")
        lifecycle.item_escalate(item=item, actor=assistant, reason="x")
    with CaptureQueriesContext(connection) as many:
        assert signed_in.get("/?tab=open").status_code == 200
    assert len(many) == len(one)


def test_queue_tab_counts_read_only_the_covering_index(signed_in, clock, make_item) -> None:
    """The ten tab counts can be answered from ``item_queue_covering_idx`` alone, never the item
    rows: every column of the item the counting query reads is in the index (on PostgreSQL the
    id through INCLUDE; SQLite's indexes carry the row id). A test table is too small for a
    planner to prefer any index, so PostgreSQL's index is read from its catalogue and SQLite is
    made to use it (INDEXED BY) and asked whether that is a covering read."""
    make_item()
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get("/?tab=open").status_code == 200
    [counts] = [q["sql"] for q in queries.captured_queries if '"tab_mine"' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            read = set(re.findall(r'"support_queue_supportitem"\."(\w+)"', counts))
            cursor.execute(
                """SELECT a.attname FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                   WHERE c.relname = 'item_queue_covering_idx'"""
            )
            indexed = {row[0] for row in cursor.fetchall()}
            assert "id" in read and read <= indexed, read - indexed
        else:
            forced = counts.replace(
                'FROM "support_queue_supportitem"',
                'FROM "support_queue_supportitem" INDEXED BY "item_queue_covering_idx"',
                1,
            )
            cursor.execute("EXPLAIN QUERY PLAN " + forced)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX item_queue_covering_idx" in plan, plan


def test_polling_returns_only_the_results_fragment(signed_in, clock, make_item) -> None:
    make_item(summary="fresh")
    response = signed_in.get("/?tab=open&page=1", HTTP_HX_TARGET="queue-results", **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-results"')
    assert "fresh" in body and "<html" not in body
    assert 'hx-get="/?tab=open&amp;page=1"' in body  # keeps the user's place


def test_csv_export_follows_the_filter_and_defuses_formulas(
    signed_in, clock, make_item, lakeside_item
) -> None:
    make_item(summary="=HYPERLINK(evil)")
    make_item(summary="ordinary", channel=Channel.SMS)
    response = signed_in.get("/queue.csv?tab=open&channel=voicemail")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "id" and len(rows) == 2
    assert rows[1][-1] == "'=HYPERLINK(evil)"
    assert "Lakeside" not in str(rows)


# --- logging a contact ------------------------------------------------------------------------


def log(client: Any, practice: Any, **fields: Any) -> Any:
    data = {
        "practice": practice.pk,
        "caller": "existing",
        "channel": Channel.PHONE,
        "category": category(practice, "scheduling").pk,
        "summary": "Wants to move Thursday's visit",
        "language": "en",
        "next_update_at": "2026-11-17T14:00",  # what the caller is told, on Chicago's clock
        **fields,
    }
    return client.post("/log/", data)


def lookup(client: Any, query: str, **params: Any) -> set[str]:
    body = client.get("/patients/lookup/", {"q": query, **params}).content.decode()
    return set(re.findall(r'name="patient" value="(\d+)"', body))


def test_lookup_finds_patients_by_phone_last_digits_name_and_birth_date(
    signed_in, riverside, lakeside_item
) -> None:
    ana = patient_create(
        practice=riverside,
        first_name="Ana",
        last_name="Lopez",
        phone="(312) 555-0142",
        date_of_birth=date(1980, 3, 14),
    )
    queries = (
        "312-555-0142",
        "+1 312 555 0142",
        "0142",
        "ana lo",
        "Lopez",
        "03/14/1980",
        "1980-03-14",
    )
    for query in queries:
        assert lookup(signed_in, query, practice=riverside.pk) == {str(ana.pk)}, query
    assert lookup(signed_in, "Kim") == set()
    assert lookup(signed_in, "0111") == set()
    assert lookup(signed_in, "") == set()


def test_logging_a_call_for_an_existing_patient_makes_an_owned_item(
    signed_in, clock, riverside, patient, assistant
) -> None:
    response = log(signed_in, riverside, patient=patient.pk)
    item = SupportItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    # A live call is acknowledged at the time of the call, with what the caller was told.
    assert (item.patient, item.owner, item.status, item.channel) == (
        patient,
        assistant,
        Status.ACKNOWLEDGED,
        "phone",
    )
    assert (item.acknowledged_how, item.first_response_at) == ("call", item.first_contact_at)
    assert item.promised_update_at == datetime(2026, 11, 17, 20, 0, tzinfo=UTC)  # 14:00 CST
    assert list(item.events.values_list("code", flat=True)) == [
        EventCode.CREATED,
        EventCode.ACKNOWLEDGED,
        EventCode.ASSIGNED,
    ]


def test_logging_a_new_patient_inline(signed_in, clock, riverside) -> None:
    log(
        signed_in,
        riverside,
        caller="new",
        first_name="Lia",
        last_name="Chen",
        phone="312 555 0123",
        language="es",
    )
    item = SupportItem.objects.get()
    assert (item.patient.full_name, item.patient.phone, item.language) == (
        "Lia Chen",
        "+13125550123",
        "es",
    )
    assert item.patient.preferred_language == "es"


def test_logging_an_unknown_caller_needs_a_callback_number(signed_in, clock, riverside) -> None:
    response = log(signed_in, riverside, caller="unknown", caller_name="Someone")
    assert response.status_code == 422
    assert "Record a number to call back." in response.content.decode()
    assert 'value="Wants to move Thursday&#x27;s visit"' in response.content.decode()
    log(
        signed_in,
        riverside,
        caller="unknown",
        caller_name="Someone",
        callback_number="773-555-0100",
    )
    assert SupportItem.objects.get().callback_number == "+17735550100"


def test_bad_phone_for_new_patient_is_a_clear_error_and_nothing_is_saved(
    signed_in, clock, riverside
) -> None:
    response = log(signed_in, riverside, caller="new", first_name="A", last_name="B", phone="12")
    assert response.status_code == 422
    assert "phone number" in response.content.decode()
    assert not SupportItem.objects.exists()


def test_cannot_log_against_another_practices_patient_or_category(
    signed_in, clock, riverside, lakeside, lakeside_item
) -> None:
    response = log(signed_in, riverside, patient=lakeside_item.patient_id)
    assert response.status_code == 422
    response = log(signed_in, lakeside, patient=lakeside_item.patient_id)
    assert response.status_code == 422  # the practice itself is not one of the user's
    assert SupportItem.objects.count() == 1


def test_log_page_offers_only_the_selected_practices_categories(signed_in, riverside) -> None:
    page = signed_in.get("/log/")
    categories = list(page.context["form"].fields["category"].queryset)
    assert {c.practice_id for c in categories} == {riverside.pk} and len(categories) == 10


# --- item page --------------------------------------------------------------------------------


def test_item_page_shows_scripts_in_the_patients_language(signed_in, clock, make_item) -> None:
    item = make_item(language="es", channel="phone")
    page = signed_in.get(f"/items/{item.pk}/").content.decode()
    assert "Gracias por llamar, Ana. Sé que acomodar una cita" in page
    assert "What to say" in page and "Timeline" in page


def test_another_practices_item_and_patient_are_404(signed_in, lakeside_item) -> None:
    assert signed_in.get(f"/items/{lakeside_item.pk}/").status_code == 404
    assert signed_in.post(f"/items/{lakeside_item.pk}/note/", {"note-text": "x"}).status_code == 404
    assert signed_in.get(f"/patients/{lakeside_item.patient_id}/").status_code == 404
    assert list(lakeside_item.events.values_list("code", flat=True)) == [EventCode.CREATED]


def test_actions_are_posts_and_unknown_actions_404(signed_in, clock, make_item) -> None:
    item = make_item()
    assert signed_in.get(f"/items/{item.pk}/acknowledge/").status_code == 405
    assert signed_in.post(f"/items/{item.pk}/teleport/").status_code == 404


def test_acknowledge_from_the_page_says_how_and_when_next(signed_in, clock, make_item) -> None:
    item = make_item()
    empty = signed_in.post(f"/items/{item.pk}/acknowledge/")
    assert empty.status_code == 422  # "confirm receipt" is not an empty form any more
    response = signed_in.post(
        f"/items/{item.pk}/acknowledge/",
        {"acknowledge-how": "text", "acknowledge-next_update_at": "2026-11-17T15:00"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.acknowledged_how) == (Status.ACKNOWLEDGED, "text")
    # Typed on the practice's clock: 15:00 in Chicago.
    assert item.promised_update_at == datetime(2026, 11, 17, 21, 0, tzinfo=UTC)


def test_refused_resolve_shows_the_lifecycle_message_and_keeps_the_input(
    signed_in, clock, make_item
) -> None:
    item = make_item()
    response = signed_in.post(
        f"/items/{item.pk}/resolve/",
        {"resolve-outcome": "Booked Thursday", "resolve-told_patient": "on"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Write the next step before recording that it was given." in body
    assert "Booked Thursday</textarea>" in body
    item.refresh_from_db()
    assert item.status == Status.NEW and item.events.count() == 1


def test_update_window_is_read_in_the_practices_timezone_then_resolve(
    signed_in, clock, make_item, assistant
) -> None:
    item = owned(make_item, assistant)
    response = signed_in.post(
        f"/items/{item.pk}/update_window/",
        {
            "update_window-checking": "Open slots",
            "update_window-next_step": "Booked Thu 9 AM",
            "update_window-update_at": "2026-11-17T14:00",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_update_at == TUESDAY_10AM_CHICAGO + timedelta(hours=4)  # 14:00 Chicago
    response = signed_in.post(
        f"/items/{item.pk}/resolve/", {"resolve-outcome": "Booked", "resolve-told_patient": "on"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert [e.code for e in item.events.order_by("id")][-2:] == [
        EventCode.CONTACT,
        EventCode.RESOLVED,
    ]


def test_htmx_actions_return_the_item_fragment(signed_in, clock, make_item) -> None:
    item = make_item()
    response = signed_in.post(f"/items/{item.pk}/note/", {"note-text": "Called twice"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="item-body"') and "Called twice" in body
    refused = signed_in.post(f"/items/{item.pk}/note/", {"note-text": ""}, **HTMX)
    assert refused.status_code == 422 and 'id="item-body"' in refused.content.decode()


def test_assign_offers_only_staff_of_the_items_practice(
    signed_in, clock, make_item, assistant, outsider
) -> None:
    item = make_item()
    form = signed_in.get(f"/items/{item.pk}/").context["forms"]["assign"]
    assert outsider not in form.fields["owner"].queryset
    response = signed_in.post(
        f"/items/{item.pk}/assign/", {"assign-team": Team.SUPPORT, "assign-owner": outsider.pk}
    )
    assert response.status_code == 422
    item.refresh_from_db()
    assert item.owner is None


def test_item_page_queries_do_not_grow_with_the_timeline(
    signed_in, clock, make_item, assistant
) -> None:
    item = owned(make_item, assistant)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(f"/items/{item.pk}/")
    for n in range(10):
        lifecycle.item_add_note(item=item, actor=assistant, text=f"note {n}")
    with CaptureQueriesContext(connection) as many:
        signed_in.get(f"/items/{item.pk}/")
    assert len(many) == len(few)


# --- patient page -----------------------------------------------------------------------------


def test_patient_page_lists_open_and_past_items_and_contacts(
    signed_in, clock, make_item, assistant, patient
) -> None:
    open_item = make_item(summary="still open")
    done = planned(make_item(summary="done"), assistant, after=timedelta(minutes=60))
    signed_in.post(
        f"/items/{done.pk}/resolve/", {"resolve-outcome": "Booked", "resolve-told_patient": "on"}
    )
    page = signed_in.get(f"/patients/{patient.pk}/")
    assert [i.pk for i in page.context["open_items"]] == [open_item.pk]
    assert [i.pk for i in page.context["past_items"]] == [done.pk]
    assert len(page.context["contacts"]) == 1
    assert "next step given" in page.content.decode()


def test_numbers_beyond_64_bits_are_404_or_ignored_never_500(signed_in, riverside) -> None:
    huge = str(2**70)
    assert signed_in.get(f"/items/{huge}/").status_code == 404
    assert signed_in.get(f"/patients/{huge}/").status_code == 404
    assert signed_in.post(f"/items/{huge}/note/", {"note-text": "x"}).status_code == 404
    assert signed_in.get(f"/?tab=open&owner={huge}").status_code == 200
    assert signed_in.get("/patients/lookup/", {"q": "Ana", "practice": huge}).status_code == 200
    response = signed_in.post(
        "/log/", {"practice": riverside.pk, "caller": "existing", "patient": huge}
    )
    assert response.status_code == 422


def test_a_resolved_item_shows_what_was_resolved_and_what_the_patient_was_told(
    signed_in, clock, make_item, assistant
) -> None:
    item = resolved(make_item(), assistant, outcome="Moved to Thursday 9:30")
    page = signed_in.get(f"/items/{item.pk}/").content.decode()
    assert "Moved to Thursday 9:30" in page and "Patient was told" in page
    assert "Book Thursday" in page  # the next step given on the last call
    assert "not yet — suggested" not in page and "What to say" not in page


def test_a_web_form_message_shows_once_and_its_number_as_people_write_it(
    signed_in, clock, riverside
) -> None:
    message = "Hello, I need to reschedule my cleaning because I will be out of town next week."
    signed_in.post("/p/riverside/contact/", contact_form(message=message, phone="312-555-0144"))
    item = SupportItem.objects.get(channel=Channel.WEB_FORM)
    page = signed_in.get(f"/items/{item.pk}/").content.decode()
    assert page.count("I will be out of town next week") == 1
    assert "(312) 555-0144" in page and "+13125550144" not in page


def test_a_question_answered_during_the_call_is_resolved_in_one_action(
    signed_in, clock, riverside, patient
) -> None:
    response = log(
        signed_in, riverside, patient=patient.pk, summary="What is your fax number?",
        category=category(riverside, "other").pk, next_update_at="",
        answer="Our fax number is (312) 555-0109.",
    )  # fmt: skip
    assert response.status_code == 302
    item = SupportItem.objects.get()
    assert item.status == Status.RESOLVED
    assert item.next_step == item.outcome == "Our fax number is (312) 555-0109."
    assert item.first_response_at is not None and item.next_step_given_at is not None
    assert item.promised_update_at is None


def test_a_clinical_question_is_not_answered_on_the_spot_by_the_front_desk(
    signed_in, clock, riverside, patient
) -> None:
    response = log(
        signed_in, riverside, patient=patient.pk, summary="Can I take ibuprofen with my pills?",
        category=category(riverside, "clinical_message").pk, answer="Yes, that's fine.",
    )  # fmt: skip
    assert response.status_code == 422
    assert not SupportItem.objects.filter(status=Status.RESOLVED).exists()


def test_the_log_form_finds_patients_of_every_practice_and_files_under_theirs(
    client, clock, org, riverside, lakeside
) -> None:
    both = staff_create(
        organization=org, username="maria", password="pw", roles=["support"],
        practices=[riverside, lakeside], skills=["scheduling"], languages=["en", "es"],
    )  # fmt: skip
    bo = patient_create(practice=lakeside, first_name="Bo", last_name="Kim", phone="212-555-0111")
    client.force_login(both)
    found = client.get("/patients/lookup/", {"q": "Kim", "practice": riverside.pk})
    assert f'value="{bo.pk}"' in found.content.decode() and "Lakeside" in found.content.decode()
    # The page was on Riverside; the caller is Lakeside's patient: filed under Lakeside.
    response = log(client, riverside, patient=bo.pk, next_update_at="2026-11-17T15:00")
    assert response.status_code == 302, response.content.decode()[:400]
    item = SupportItem.objects.get()
    assert item.practice == lakeside and item.category.practice == lakeside
    assert item.category.code == "scheduling"


def test_each_role_lands_where_its_work_is(client, clock, make_item, assistant, nurse, supervisor):
    make_item("clinical_message", summary="Refill question")
    client.force_login(nurse)
    assert client.get("/").context["query"].tab == "clinical"
    client.force_login(supervisor)
    assert client.get("/").context["query"].tab in ("unassigned", "open")
    mine = make_item(summary="Mine")
    lifecycle.item_assign(item=mine, actor=assistant, owner=assistant, team=mine.team)
    client.force_login(assistant)
    assert client.get("/").context["query"].tab == "mine"
    assert client.get("/?tab=open").context["query"].tab == "open"  # a chosen tab stands


def test_pages_offer_a_skip_to_the_queue_and_say_how_to_find_the_shortcuts(signed_in) -> None:
    page = signed_in.get("/").content.decode()
    assert 'href="#queue-results"' in page and "Skip to the queue" in page
    assert "<kbd>?</kbd>" in page and 'id="shortcuts"' in page and "<kbd>L</kbd>" in page
    log_page = signed_in.get("/log/").content.decode()
    assert 'type="tel"' in log_page and 'name="callback_number"' in log_page


def test_not_found_is_a_page_with_the_way_back(signed_in) -> None:
    page = signed_in.get("/items/999999/")
    assert page.status_code == 404
    body = page.content.decode()
    assert "Not found" in body and "Back to the queue" in body and 'class="topbar"' in body


def test_item_page_reads_each_kind_of_choice_once_for_all_its_forms(
    signed_in, clock, make_item, assistant
) -> None:
    item = make_item()
    with CaptureQueriesContext(connection) as queries:
        page = signed_in.get(f"/items/{item.pk}/")
    staff_fields = [
        form.fields[name]
        for form in page.context["forms"].values()
        for name in form.fields
        if isinstance(form.fields[name], ModelChoiceField)
        and form.fields[name].queryset.model is get_user_model()
    ]
    assert len(staff_fields) >= 2  # assign and hand off (at least) both offer the staff
    staff_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "auth_user"') and "staffprofile_practices" in q["sql"]
    ]
    assert len(staff_reads) == 1
    # Each form still offers exactly the practice's staff, and validates against them.
    expected = {u.pk for u in staff_fields[0].queryset}
    html = page.content.decode()
    for field in staff_fields:
        assert {value.value for value, _ in field.choices if value} == expected
    assert f'<option value="{assistant.pk}"' in html
