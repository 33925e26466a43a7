"""The patient sees the loop (issue 22): the private status link, the reply, the one question
after closure, and the staff's preview."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from closeloop.messaging import closing_question, status_links
from closeloop.messaging.models import (
    OutboundMessage,
    RecoveryAnswer,
    RecoveryCheck,
    ReviewRequest,
    StatusLink,
)
from closeloop.practices.models import Category
from closeloop.security.models import AuditEvent
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import AlertKind, EventCode, StaffAlert, Status, TimelineEvent
from tests.conftest import EVENING, planned, resolved, told

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

CLINICAL_TEXT = "chest pain since Sunday, metoprolol 50 mg, Dr. notes: rule out angina"


@pytest.fixture
def links_on(riverside: Any, patient: Any) -> Any:
    riverside.status_links = True
    riverside.save()
    patient.date_of_birth = date(1961, 4, 2)
    patient.save()
    return riverside


def dob(day: date) -> dict[str, int]:
    """A date of birth as the status page asks for it: day, month and year."""
    return {"birth_day": day.day, "birth_month": day.month, "birth_year": day.year}


def _token(item: Any) -> str:
    return status_links.link_create(item)


def test_a_link_works_expires_and_stops_a_few_days_after_resolution(
    client, clock, links_on, make_item, assistant
) -> None:
    item = planned(make_item(), assistant, acknowledge=True)
    token = _token(item)
    assert len(token) >= 20 and not StatusLink.objects.filter(token_hash=token).exists()
    assert client.get(f"/s/{token}").status_code == 200
    assert client.get(f"/s/{token[:-1]}x").status_code == 404  # a guess is nothing
    assert client.get("/s/" + "a" * 200).status_code == 404
    # Resolved: still shown (as resolved) for a few days, then gone.
    resolved(make_item(), assistant)  # unrelated
    item = lifecycle.item_resolve(item=told(item, assistant), actor=assistant, outcome="Booked")
    page = client.get(f"/s/{token}")
    assert page.status_code == 200 and "Your request was resolved" in page.content.decode()
    clock.shift(timedelta(days=status_links.DAYS_AFTER_RESOLUTION, minutes=1))
    assert client.get(f"/s/{token}").status_code == 410  # ended: "call us", nothing else
    # Every link expires, and can be revoked.
    other = planned(make_item(summary="Other"), assistant)
    second = _token(other)
    status_links.link_revoke_all(other)
    assert client.get(f"/s/{second}").status_code == 410
    third = _token(other)
    clock.shift(timedelta(days=status_links.LINK_DAYS + 1))
    assert client.get(f"/s/{third}").status_code == 410


def test_the_page_shows_only_safe_fields_for_every_category(
    client, clock, links_on, make_item, assistant, nurse, supervisor
) -> None:
    for category in Category.objects.filter(practice=links_on):
        item = make_item(code=category.code, summary=CLINICAL_TEXT, details=CLINICAL_TEXT)
        actor = {"clinical": nurse, "supervisor": supervisor}.get(item.team, assistant)
        item = lifecycle.item_assign(item=item, actor=actor, owner=actor, team=item.team)
        lifecycle.item_set_update_window(
            item=item, actor=actor, checking=CLINICAL_TEXT, next_step=CLINICAL_TEXT,
            update_at=timezone.now() + timedelta(hours=3),
        )  # fmt: skip
        lifecycle.item_add_note(item=item, actor=actor, text=CLINICAL_TEXT)
        for language in ("en", "es"):
            body = client.get(f"/s/{_token(item)}?lang={language}").content.decode()
            for word in ("chest", "metoprolol", "angina", "Sunday", "Dr. notes", "Lopez"):
                assert word not in body, (category.code, language, word)
            # The kind of request in the patient's words, as the practice wrote it (issue 30).
            assert category.name_for_patients(language) in body and links_on.name in body
    # The response is private.
    response = client.get(f"/s/{_token(item)}")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert not re.search(r'(src|href)="https?://', response.content.decode())


def test_the_page_states_the_tracked_promise_in_the_patients_language_and_the_owner(
    client, clock, links_on, make_item, assistant
) -> None:
    assistant.first_name = "María"
    assistant.save()
    item = planned(make_item(language="es"), assistant, acknowledge=True)
    body = client.get(f"/s/{_token(item)}").content.decode()
    stated = status_links.for_patient(links_on, item.promised_update_at, "es")
    assert stated in body and "María" in body and "Le contactaremos a más tardar" in body
    # Every view is audited.
    views = AuditEvent.objects.filter(action="view", object_id=str(item.pk))
    assert any("status_page" in event.fields for event in views)


def test_a_reply_needs_the_birth_date_and_becomes_a_contact_that_alerts_the_owner(
    client, clock, links_on, make_item, patient, assistant
) -> None:
    item = planned(make_item(), assistant, acknowledge=True)
    token = _token(item)
    wrong = client.post(f"/s/{token}/reply", {**dob(date(1990, 1, 1)), "text": "Is it Thursday?"})
    assert wrong.status_code == 422
    assert not TimelineEvent.objects.filter(item=item, code=EventCode.REPEAT_CONTACT).exists()
    done = client.post(
        f"/s/{token}/reply",
        {**dob(patient.date_of_birth), "text": "Is it Thursday?"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.repeat_contact_count == 1
    assert StaffAlert.objects.filter(user=assistant, item=item, kind=AlertKind.REPEAT_CONTACT)


def test_failed_birth_dates_lock_the_link_and_views_are_rate_limited(
    client, clock, links_on, make_item, patient, assistant
) -> None:
    item = planned(make_item(), assistant)
    token = _token(item)
    for _ in range(status_links.MAX_FAILED_CHECKS):
        client.post(f"/s/{token}/reply", {**dob(date(1990, 1, 1)), "text": "hi"})
    locked = client.post(f"/s/{token}/reply", {**dob(patient.date_of_birth), "text": "hi"})
    assert locked.status_code == 429
    cache.clear()
    for _ in range(40):
        last = client.get(f"/s/{token}")
    assert last.status_code == 429


class CountedDate(date):
    """A date of birth typed on the page that counts how often it is compared with the
    patient's: each comparison is one guess evaluated."""

    lock = threading.Lock()
    compared = 0

    def __eq__(self, other: object) -> bool:
        with CountedDate.lock:
            CountedDate.compared += 1
        return super().__eq__(other)

    __hash__ = date.__hash__


WRONG = CountedDate(1990, 1, 1)


def _refusal(link: StatusLink, given: date) -> str:
    try:
        status_links.check_birth_date(
            StatusLink.objects.select_related("item__patient").get(pk=link.pk), given
        )
    except status_links.ReplyRefused as refused:
        return refused.code
    return "ok"


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_birth_dates_never_evaluate_more_than_the_limit(
    links_on, patient, make_item, assistant
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's row-level concurrency")
    # Threads on the wall clock (no frozen clock here): at night the promise is after hours.
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    status_links.link_create(item)
    link = StatusLink.objects.get(item=item)
    CountedDate.compared = 0
    barrier = threading.Barrier(20)
    codes: list[str] = []

    def guess() -> None:
        try:
            barrier.wait()
            codes.append(_refusal(link, WRONG))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(codes) == 20 and "ok" not in codes
    assert CountedDate.compared == status_links.MAX_FAILED_CHECKS
    # Each evaluated guess says "wrong" unless the lock came first; the rest say "locked".
    assert codes.count("birth_date") <= status_links.MAX_FAILED_CHECKS - 1
    assert _refusal(link, patient.date_of_birth) == "locked"


def test_the_birth_date_limit_counts_per_patient_across_their_links(
    clock, links_on, patient, make_item, assistant
) -> None:
    """Every text mints a new link: the limit holds for the patient, not for one link."""
    first = planned(make_item(), assistant)
    second = planned(make_item(summary="Needs a referral"), assistant)
    status_links.link_create(first)
    status_links.link_create(second)
    status_links.link_create(second)
    links = list(StatusLink.objects.order_by("pk"))
    CountedDate.compared = 0
    codes = [_refusal(links[0], WRONG) for _ in range(3)]
    codes += [_refusal(links[1], WRONG) for _ in range(3)]
    assert codes == ["birth_date"] * 4 + ["locked"] * 2
    assert CountedDate.compared == status_links.MAX_FAILED_CHECKS
    for link in links:
        assert _refusal(link, patient.date_of_birth) == "locked"
    clock.shift(status_links.LOCK + timedelta(minutes=1))
    assert _refusal(links[2], patient.date_of_birth) == "ok"
    assert _refusal(links[0], WRONG) == "birth_date"  # a fresh count after a success


def _asked(riverside: Any, make_item: Any, assistant: Any, patient: Any) -> Any:
    riverside.closure_question = True
    riverside.auto_review_requests = True
    riverside.review_link = "https://example.com/review"
    riverside.save()
    patient.phone = "+13125550142"
    patient.save()
    item = resolved(make_item(), assistant, confirmed=True)
    check = closing_question.ask_after_resolution(item, actor=assistant)
    assert check is not None
    return item, check


def test_after_a_confirmed_resolution_one_question_is_asked_in_the_patients_language(
    clock, riverside, make_item, assistant, patient
) -> None:
    patient.preferred_language = "es"
    patient.save()
    item, check = _asked(riverside, make_item, assistant, patient)
    message = OutboundMessage.objects.get(pk=check.message_id)
    assert "¿Resolvimos su solicitud?" in message.body
    assert closing_question.ask_after_resolution(item, actor=assistant) is None  # once
    # Never for clinical items.
    clinical = make_item(code="clinical_message")
    assert not closing_question.may_ask(clinical)


def test_no_by_text_reopens_and_counts_as_a_failed_recovery(
    client, clock, riverside, make_item, assistant, patient
) -> None:
    from tests.test_intake import SMS, TWILIO_TOKEN, sms, twilio_post

    riverside.twilio_auth_token = TWILIO_TOKEN
    item, check = _asked(riverside, make_item, assistant, patient)
    twilio_post(client, SMS, sms("SMno1", "+13125550142", "NO, still no call"))
    check.refresh_from_db()
    item.refresh_from_db()
    assert check.answer == RecoveryAnswer.NO and check.comment == "still no call"
    assert item.status == Status.ACKNOWLEDGED  # reopened for its owner
    assert item.owner == assistant
    event = TimelineEvent.objects.filter(item=item, code=EventCode.REOPENED).last()
    assert "still no call" in event.text


def test_a_yes_on_the_status_page_is_recorded_and_decides_nothing_about_reviews(
    client, clock, riverside, make_item, assistant, patient
) -> None:
    item, check = _asked(riverside, make_item, assistant, patient)
    token = status_links.link_create(item)
    answered = client.post(f"/s/{token}/answer", {"answer": "yes", "comment": ""})
    assert answered.status_code == 302
    check.refresh_from_db()
    assert check.answer == RecoveryAnswer.YES and check.answered_by == "page"
    # A review request follows the resolution (``reviews.after_resolution``), never an answer.
    assert not ReviewRequest.objects.filter(item=item).exists()


def test_texts_about_an_open_item_carry_the_link_and_staff_see_the_patients_view(
    clock, links_on, make_item, assistant, patient
) -> None:
    from closeloop.messaging.services import message_send

    patient.phone = "+13125550142"
    patient.save()
    item = planned(make_item(), assistant)
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update",
        next_update_at=timezone.now() + timedelta(hours=4),
    )  # fmt: skip
    match = re.search(r"/s/([\w-]+)$", message.body)
    assert match and status_links.link_for(match.group(1)) is not None
    client = Client()
    client.force_login(assistant)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "What the patient sees" in page and "We are finding an appointment time" in page


def test_the_metric_counts_recoveries_patients_confirmed(
    clock, riverside, make_item, assistant, patient
) -> None:
    from closeloop.metrics.definitions import Scope, patient_confirmed

    item, check = _asked(riverside, make_item, assistant, patient)
    closing_question.record_answer(check, RecoveryAnswer.YES, "", how="text")
    other = resolved(make_item(summary="Other"), assistant, confirmed=True)
    RecoveryCheck.objects.create(
        item=other, practice=riverside, category=other.category, team=other.team, owner=assistant,
        answer=RecoveryAnswer.NO, answered_at=timezone.now(), answered_by="text",
    )  # fmt: skip
    today = timezone.now().date()
    result = patient_confirmed(Scope.of([riverside], today - timedelta(days=1), today))
    assert result["answered"] == 2 and result["yes"] == 1 and result["share"] == 0.5
    assert result["by_person"][0]["name"]
