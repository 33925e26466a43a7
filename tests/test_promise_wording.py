"""One promise, said right: every script and every message template, for every category and
in both languages, states the item's tracked promise on the practice's clock (Chicago here,
six hours from UTC) and in the patient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from closeloop.messaging.models import MessagePurpose
from closeloop.messaging.services import QUOTES_UPDATE_TIME, render
from closeloop.practices.local_time import for_patient
from closeloop.practices.models import Category
from closeloop.queue import lifecycle
from closeloop.web.item_views import _scripts
from tests.conftest import TUESDAY_10AM_CHICAGO

pytestmark = pytest.mark.django_db

#: Tuesday 17:30 UTC is 11:30 in Chicago: a wrong zone would show 5:30 PM or 17:30.
PROMISE = TUESDAY_10AM_CHICAGO + timedelta(hours=1, minutes=30)
STATED = {"en": "Tuesday, November 17 at 11:30 AM", "es": "el martes 17 de noviembre a las 11:30"}
WRONG = ("5:30 PM", "17:30")


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_script_and_template_states_the_tracked_promise(
    clock, riverside, make_item, assistant, patient, language
) -> None:
    patient.preferred_language = language
    patient.save()
    assert for_patient(riverside, PROMISE, language) == STATED[language]
    checked = 0
    for category in Category.objects.filter(practice=riverside, active=True):
        item = lifecycle.item_set_update_window(
            item=make_item(category.code, language=language), actor=None,
            checking="What we check", next_step="A call back with the answer", update_at=PROMISE,
        )  # fmt: skip
        assert item.promised_update_at == PROMISE
        for part, text in _scripts(item):
            assert not any(wrong in text for wrong in WRONG), (category.code, part)
            if "{update_time}" in getattr(
                item.category.scripts.get(language=language), part.lower()
            ):
                assert STATED[language] in text, (category.code, part, text)
                checked += 1
        for purpose in QUOTES_UPDATE_TIME:
            _, body = render(item, purpose)
            assert STATED[language] in body, (category.code, purpose, body)
            checked += 1
        _, closure = render(item, MessagePurpose.CLOSURE)
        assert item.next_step.rstrip(".") in closure
    assert checked >= 30
