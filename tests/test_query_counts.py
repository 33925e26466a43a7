"""The main lifecycle services' query counts, pinned: a new query per call shows up here.

Each service: a savepoint, the tenant lookup (the practices the actor serves), the item row
locked with its practice and category (the practice's calendar — hours and holidays — carried
over from the caller's copy when it has one), the item's update, its audit row, its timeline
row and the release of the savepoint. The practice's webhook endpoints (the outbox) and its
holidays are read once per process and configuration (``practices.config``): the first
service here reads them, the others do not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel
from tests.conftest import acknowledged, category, told

pytestmark = pytest.mark.django_db


def test_the_lifecycle_services_query_counts_are_pinned(
    clock, riverside, patient, assistant, django_assert_num_queries
) -> None:
    with django_assert_num_queries(9):
        item = lifecycle.item_create(
            practice=riverside,
            category=category(riverside, "scheduling"),
            channel=Channel.PHONE,
            actor=assistant,
            summary="Move Thursday's visit",
            patient=patient,
        )
    # One more than before issue 31: the receiver's open items, counted against their cap.
    with django_assert_num_queries(9):
        item = lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
    with django_assert_num_queries(7):
        item = acknowledged(item, assistant)
    with django_assert_num_queries(7):
        item = lifecycle.item_set_update_window(
            item=item,
            actor=assistant,
            checking="Open slots",
            next_step="Tuesday 9:00",
            update_at=timezone.now() + timedelta(hours=2),
        )
    with django_assert_num_queries(7):
        item = told(item, assistant)
    with django_assert_num_queries(7):
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Booked Tuesday 9:00")
