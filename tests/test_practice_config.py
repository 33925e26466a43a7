"""What processes cache of a practice's configuration (holidays, channel routes, webhook
endpoints) is never older than the practice row the reader holds, and never holds what a
rolled-back transaction wrote."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from closeloop.practices import config
from closeloop.practices.models import Holiday, Practice
from closeloop.practices.services import practice_create
from closeloop.support_queue.outbox import active_endpoints
from closeloop.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)

CHRISTMAS = date(2026, 12, 25)


@pytest.fixture
def practice(org) -> Practice:
    return practice_create(
        organization=org, name="Riverside", slug="riverside", timezone="America/Chicago"
    )


def fresh(practice: Practice) -> Practice:
    """The practice as the next request (in any process) reads it."""
    return Practice.objects.get(pk=practice.pk)


def closed_on(practice: Practice, day: date) -> bool:
    return day in practice.calendar().holidays


def test_a_holiday_added_by_another_process_is_seen_by_the_next_request(practice) -> None:
    assert not closed_on(fresh(practice), CHRISTMAS)  # cached now
    # Another process: its rows and its bump of the version, none of this process's signals.
    Holiday.objects.bulk_create([Holiday(practice=practice, date=CHRISTMAS, name="Christmas")])
    Practice.objects.filter(pk=practice.pk).update(config_version=1)
    assert closed_on(fresh(practice), CHRISTMAS)


def test_a_change_in_this_process_is_seen_even_through_an_older_copy(practice) -> None:
    assert active_endpoints(practice) == []
    endpoint = WebhookEndpoint.objects.create(
        practice=practice, url="https://hooks.example.com/a", events=["item.created"]
    )
    assert active_endpoints(practice) == [(endpoint.pk, ["item.created"])]
    assert fresh(practice).config_version == 1


def test_what_a_rolled_back_transaction_wrote_is_never_served(practice) -> None:
    assert active_endpoints(fresh(practice)) == []
    with pytest.raises(RuntimeError), transaction.atomic():
        WebhookEndpoint.objects.create(
            practice=practice, url="https://hooks.example.com/a", events=["item.created"]
        )
        # Read inside the transaction through a copy read before it (an event recorded in
        # it, its item's practice): not cached under that copy's version.
        assert len(active_endpoints(practice)) == 1
        raise RuntimeError
    assert active_endpoints(fresh(practice)) == []
    assert active_endpoints(practice) == []


def test_saving_a_practice_read_earlier_does_not_lower_its_version(practice) -> None:
    earlier = fresh(practice)
    Holiday.objects.create(practice=practice, date=CHRISTMAS, name="Christmas")
    earlier.name = "Riverside Family Medicine"
    earlier.save()
    assert fresh(practice).config_version == 1
    assert closed_on(fresh(practice), CHRISTMAS)
    config.reset()
    assert closed_on(fresh(practice), CHRISTMAS)
