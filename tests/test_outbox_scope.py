"""The demo outbox shows an email that is about no item (a digest, an account notice, a daily
report) only to whom it concerns, known from the delivery's own row — its alert's person, its
report's practice — never from the address it went to: anyone can make their own address the
same as a colleague's (adversarial review of issue 29, F3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from closeloop.metrics.models import DailySnapshot
from closeloop.periodic.reports import email_snapshot
from closeloop.practices.choices import Role
from closeloop.support_queue.alerts import deliver, notify, send_digest
from closeloop.support_queue.models import AlertDelivery, AlertKind
from closeloop.team import accounts
from tests.conftest import locked_out, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_outbox(settings: Any, tmp_path: Any) -> Any:
    settings.CLOSELOOP_ENV = "demo"
    settings.SMS_BACKEND = "file"
    settings.OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    return tmp_path


def page_as(client: Any, user: Any) -> str:
    client.force_login(user)
    return str(client.get("/outbox/").content.decode())


def test_a_digest_is_shown_to_its_person_not_to_whoever_took_the_same_address(
    client, clock, demo_outbox, org, riverside, lakeside, assistant, make_item
) -> None:
    assistant.email = "ana.assistant@example.com"
    assistant.save()
    assistant.staff.email_digest = True
    assistant.staff.save()
    notify([assistant], make_item(), AlertKind.PROMISE_DUE)
    assert send_digest(assistant)
    # A person serving both practices makes her address the assistant's.
    maria = person(org, "maria", [Role.SUPPORT], [riverside, lakeside])
    maria.email = "ana.assistant@example.com"
    maria.save()
    assert "Your daily digest" not in page_as(client, maria)
    assert "Your daily digest" in page_as(client, assistant)


def test_an_account_notice_is_shown_to_its_person_even_after_they_changed_address(
    client, clock, demo_outbox, org, riverside, lakeside
) -> None:
    org_admin = person(org, "oadmin", [Role.ORG_ADMIN], [riverside])
    practice_admin = person(org, "padmin", [Role.PRACTICE_ADMIN], [lakeside])
    colleague = person(org, "col", [Role.SUPPORT], [lakeside])
    locked_out(colleague)
    accounts.account_unlock(actor=practice_admin, person=colleague)
    deliver(AlertDelivery.objects.values_list("pk", flat=True))
    colleague.email = "elsewhere@example.com"
    colleague.save()
    assert "Sign-in unlocked by an admin" in page_as(client, colleague)
    assert "Sign-in unlocked by an admin" in page_as(client, org_admin)
    # The one-practice admin who did it (not alerted) takes the colleague's old address.
    practice_admin.email = "col@example.com"
    practice_admin.save()
    assert "Sign-in unlocked by an admin" not in page_as(client, practice_admin)


def test_a_practices_daily_report_is_shown_to_its_supervisors_only(
    client, clock, demo_outbox, org, riverside, lakeside
) -> None:
    riverside_sup = person(org, "rsup", [Role.SUPERVISOR], [riverside])
    both_sup = person(org, "bsup", [Role.SUPERVISOR], [riverside, lakeside])
    lakeside_admin = person(org, "ladmin", [Role.PRACTICE_ADMIN], [lakeside])
    snapshot = DailySnapshot.objects.create(
        practice=riverside, date=timezone.now().date(), open_items=3, broken_promises=1,
        by_category={}, by_owner={}, by_age={},
    )  # fmt: skip
    assert email_snapshot.call(snapshot.pk) == 2
    subject = "End of day"
    assert subject in page_as(client, riverside_sup)
    assert subject in page_as(client, both_sup)
    # The one-practice admin of Lakeside takes a Riverside supervisor's address: still nothing.
    lakeside_admin.email = "rsup@example.com"
    lakeside_admin.save()
    assert subject not in page_as(client, lakeside_admin)


def test_an_email_nothing_ties_to_a_person_or_practice_is_shown_to_nobody(
    client, clock, demo_outbox, org, riverside
) -> None:
    from django.core.mail import EmailMessage

    anyone = person(org, "anyone", [Role.ORG_ADMIN], [riverside])
    EmailMessage("Loose note", "Hello", to=[anyone.email]).send()
    assert "Loose note" not in page_as(client, anyone)
