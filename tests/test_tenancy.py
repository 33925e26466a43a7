"""Tenant isolation: every read goes through ``for_user``; other practices are invisible."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from closeloop.patients.models import Patient
from closeloop.practices.models import Category, Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import SupportItem, TimelineEvent
from closeloop.support_queue.selectors import get_item_for_user, queue_for_user

pytestmark = pytest.mark.django_db


def test_user_of_practice_a_gets_nothing_of_practice_b(
    make_item, assistant, lakeside_item, clock
) -> None:
    mine = make_item()
    assert list(queue_for_user(assistant)) == [mine]
    assert list(Patient.objects.for_user(assistant).values_list("practice__slug", flat=True)) == [
        "riverside"
    ]
    assert set(Category.objects.for_user(assistant).values_list("practice__slug", flat=True)) == {
        "riverside"
    }
    assert list(Practice.objects.for_user(assistant).values_list("slug", flat=True)) == [
        "riverside"
    ]
    assert not TimelineEvent.objects.for_user(assistant).filter(item=lakeside_item).exists()
    with pytest.raises(SupportItem.DoesNotExist):
        get_item_for_user(assistant, lakeside_item.pk)


def test_staff_serving_two_practices_see_both(
    make_item, assistant, lakeside_item, lakeside, clock
) -> None:
    assistant.staff.practices.add(lakeside)
    mine = make_item()
    assert set(queue_for_user(assistant)) == {mine, lakeside_item}
    assert set(queue_for_user(assistant, practice_id=lakeside.pk)) == {lakeside_item}


def test_removing_a_practice_removes_access_at_once(make_item, assistant, riverside, clock) -> None:
    item = make_item()
    assistant.staff.practices.remove(riverside)
    with pytest.raises(SupportItem.DoesNotExist):
        get_item_for_user(assistant, item.pk)


def test_inactive_users_and_users_without_a_profile_see_nothing(
    make_item, assistant, clock
) -> None:
    make_item()
    superuser = get_user_model().objects.create_superuser("root", password="pw")
    assert not SupportItem.objects.for_user(superuser).exists()
    assert not SupportItem.objects.for_user(None).exists()
    assistant.is_active = False
    assistant.save()
    assert not SupportItem.objects.for_user(assistant).exists()


def test_queue_is_ordered_by_the_soonest_deadline(make_item, assistant, clock) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from closeloop.practices.choices import Team

    later = make_item("billing")  # 4 business hours to first response
    sooner = make_item("telehealth_access")  # 30 minutes
    promised = lifecycle.item_assign(
        item=make_item(), actor=assistant, owner=assistant, team=Team.SUPPORT
    )
    lifecycle.item_set_update_window(
        item=promised,
        actor=assistant,
        checking="x",
        next_step="y",
        update_at=timezone.now() + timedelta(minutes=10),
    )
    assert [i.pk for i in queue_for_user(assistant)] == [promised.pk, sooner.pk, later.pk]
