from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, EventCode, SupportItem, TimelineEvent
from tests.conftest import category

CHICAGO = ZoneInfo("America/Chicago")
BEFORE = ("support_queue", "0024_attachments")


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _legacy_item(practice, when: datetime, channel: str, how: str) -> SupportItem:
    """An item as the code before issue 32 left it: ``how`` was its first response."""
    item = lifecycle.item_create(
        practice=practice, category=category(practice, "scheduling"), channel=channel,
        actor=None, summary="Needs help", callback_number="+13125550123", contact_at=when,
    )  # fmt: skip
    TimelineEvent.objects.create(
        item=item, practice=practice, at=when, code=EventCode.ACKNOWLEDGED, actor=None,
        changes={
            "first_response_at": {"old": None, "new": when.isoformat()},
            "acknowledged_how": {"old": "", "new": how},
            "last_patient_contact_at": {"old": None, "new": when.isoformat()},
        },
    )  # fmt: skip
    SupportItem.objects.filter(pk=item.pk).update(
        status="acknowledged", acknowledged_how=how, first_response_at=when,
        first_response_minutes=0, first_response_wall_minutes=0, auto_replied_at=None,
    )  # fmt: skip
    return item


def _call(item: SupportItem, person, when: datetime) -> None:
    """A callback as the old timeline recorded it (no receipt note)."""
    TimelineEvent.objects.create(
        item=item, practice=item.practice, at=when, code=EventCode.CONTACT, actor=person,
        changes={
            "last_patient_contact_at": {"old": None, "new": when.isoformat()},
            "contact": {"old": None, "new": {"direction": "outbound", "channel": "phone",
                                             "outcome": "reached"}},
        },
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_legacy_automatic_first_responses_are_read_again_from_the_timeline(
    riverside, assistant
) -> None:
    """Issue 32: an after-hours automatic acknowledgement stored as the first response
    becomes the automatic reply beside it; the first response is the first contact a person
    made (the Monday callback), or none."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("support_queue")[0]
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        friday, monday = (
            datetime(2026, 11, 20, 19, tzinfo=CHICAGO),
            datetime(2026, 11, 23, 8, 30, tzinfo=CHICAGO),
        )
        answered = _legacy_item(riverside, friday, Channel.VOICEMAIL, "automatic")
        _call(answered, assistant, monday)
        never = _legacy_item(riverside, friday, Channel.SMS, "automatic")
        _call(never, None, monday)  # the worker's, not a person's
        by_hand = _legacy_item(riverside, monday, Channel.PHONE, "call")
    finally:
        call_command("migrate", *latest, verbosity=0)
    answered.refresh_from_db()
    assert (answered.first_response_at, answered.acknowledged_how) == (monday, "call")
    assert answered.auto_replied_at == friday and answered.status == "acknowledged"
    business = riverside.calendar().between(friday, monday).total_seconds() // 60
    assert answered.first_response_minutes == business < 24 * 60
    assert answered.first_response_wall_minutes == (monday - friday).total_seconds() // 60
    never.refresh_from_db()
    assert never.first_response_at is None and never.first_response_minutes is None
    assert (never.acknowledged_how, never.auto_replied_at, never.status) == (
        "automatic",
        friday,
        "new",
    )
    by_hand.refresh_from_db()
    assert (by_hand.first_response_at, by_hand.acknowledged_how) == (monday, "call")
    assert by_hand.auto_replied_at is None
