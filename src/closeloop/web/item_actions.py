"""The item page's actions: which form each one takes and which service(s) it calls.

Adding an action means one entry here and one form block in ``item.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from closeloop.messaging import reviews
from closeloop.queue import lifecycle
from closeloop.queue.models import Channel, ContactOutcome, Direction, SupportItem
from closeloop.web import forms

Perform = Callable[[SupportItem, Any, dict[str, Any]], SupportItem]

# Channels where the patient is on the line with us right now.
_LIVE = {Channel.PHONE, Channel.IN_PERSON}


def _resolve(item: SupportItem, user: Any, data: dict[str, Any]) -> SupportItem:
    if data["told_patient"]:
        # Staff usually resolve while still talking to the patient: the contact in which the
        # next step was given is logged first, in the same transaction as the resolution.
        live = item.channel in _LIVE
        item = lifecycle.item_log_contact(
            item=item,
            actor=user,
            direction=Direction.INBOUND if live else Direction.OUTBOUND,
            channel=item.channel if live else Channel.PHONE,
            outcome=ContactOutcome.REACHED,
            gave_next_step=True,
        )
    item = lifecycle.item_resolve(
        item=item,
        actor=user,
        outcome=data["outcome"],
        handed_off_to=data["handed_off_to"],
        patient_confirmed=data["patient_confirmed"],
    )
    reviews.after_resolution(item, actor=user)
    return item


def _review(item: SupportItem, user: Any, data: dict[str, Any]) -> SupportItem:
    reviews.review_request(item=item, actor=user)
    item.refresh_from_db()
    return item


def _message(item: SupportItem, user: Any, data: dict[str, Any]) -> SupportItem:
    from closeloop.messaging.services import message_send

    message_send(item=item, actor=user, **data)
    item.refresh_from_db()
    return item


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[forms.ItemForm]
    perform: Perform


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "acknowledge",
            "Confirm receipt",
            forms.EmptyForm,
            lambda item, user, data: lifecycle.item_acknowledge(item=item, actor=user),
        ),
        Action(
            "note",
            "Add note",
            forms.NoteForm,
            lambda item, user, data: lifecycle.item_add_note(
                item=item, actor=user, text=data["text"]
            ),
        ),
        Action(
            "contact",
            "Log contact",
            forms.ContactForm,
            lambda item, user, data: lifecycle.item_log_contact(item=item, actor=user, **data),
        ),
        Action(
            "update_window",
            "Save plan and update time",
            forms.UpdateWindowForm,
            lambda item, user, data: lifecycle.item_set_update_window(
                item=item, actor=user, **data
            ),
        ),
        Action(
            "assign",
            "Route",
            forms.AssignForm,
            lambda item, user, data: lifecycle.item_assign(item=item, actor=user, **data),
        ),
        Action(
            "start",
            "Start work",
            forms.EmptyForm,
            lambda item, user, data: lifecycle.item_start(item=item, actor=user),
        ),
        Action(
            "wait",
            "Mark waiting",
            forms.WaitForm,
            lambda item, user, data: lifecycle.item_wait(item=item, actor=user, **data),
        ),
        Action(
            "escalate",
            "Escalate",
            forms.ReasonForm,
            lambda item, user, data: lifecycle.item_escalate(
                item=item, actor=user, reason=data["reason"]
            ),
        ),
        Action("resolve", "Resolve", forms.ResolveForm, _resolve),
        Action(
            "close",
            "Close",
            forms.EmptyForm,
            lambda item, user, data: lifecycle.item_close(item=item, actor=user),
        ),
        Action(
            "message",
            "Send a message",
            forms.MessageForm,
            lambda item, user, data: _message(item, user, data),
        ),
        Action("review", "Ask for a review", forms.EmptyForm, _review),
        Action(
            "categorize",
            "Change category",
            forms.CategorizeForm,
            lambda item, user, data: lifecycle.item_categorize(item=item, actor=user, **data),
        ),
        Action(
            "link_patient",
            "This is the patient",
            forms.LinkPatientForm,
            lambda item, user, data: lifecycle.item_link_patient(
                item=item, actor=user, patient=data["patient"]
            ),
        ),
        Action(
            "link_appointment",
            "Link to the visit",
            forms.LinkAppointmentForm,
            lambda item, user, data: lifecycle.item_link_appointment(
                item=item, actor=user, appointment=data["appointment"]
            ),
        ),
        Action(
            "reopen",
            "Reopen",
            forms.ReasonForm,
            lambda item, user, data: lifecycle.item_reopen(
                item=item, actor=user, reason=data["reason"]
            ),
        ),
    ]
}
