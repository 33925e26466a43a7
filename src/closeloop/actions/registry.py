"""Every action on a support item, declared once: its name, what it asks for, who may take it,
the service it calls and what it returns.

The item page's forms (``closeloop.web.action_forms``) and the API's ``POST
/items/{id}/<action>`` operations (``closeloop.api.actions``) are generated from ``ACTIONS``;
``tests/test_action_parity.py`` fails if one surface lacks an action. Who may act is decided
by ``closeloop.actions.access`` from the ``decides`` flag here and the permission table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from closeloop.actions.inputs import Input, Kind
from closeloop.core.types import User
from closeloop.messaging import reviews
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.messaging.services import message_send
from closeloop.practices.choices import Team, Urgency
from closeloop.queue import lifecycle
from closeloop.queue.models import Channel, ContactOutcome, Direction, SupportItem, WaitingOn

#: Not an action: reading a clinical item's details needs the same access as working it.
VIEW_DETAILS = "view_details"


@dataclass(frozen=True)
class Outcome:
    """What an action did: the item as it now is, and anything else worth reporting (e.g.
    whether a review request was sent or withheld, and why)."""

    item: SupportItem
    detail: dict[str, Any] = field(default_factory=dict)


Perform = Callable[[SupportItem, User, dict[str, Any]], Outcome]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    perform: Perform
    inputs: tuple[Input, ...] = ()
    #: Decides the item's outcome: clinical items by clinical staff, complaints by supervisors.
    decides: bool = False
    help: str = ""

    @property
    def slug(self) -> str:
        """The API path segment: ``update_window`` -> ``update-window``."""
        return self.name.replace("_", "-")


def run(action: Action, *, item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
    """Take ``action`` in one transaction. The caller fetched ``item`` with
    ``access.item_for_action``; the services still check every loop rule."""
    with transaction.atomic():
        return action.perform(item, actor, data)


def _plain(service: Callable[..., SupportItem]) -> Perform:
    """A lifecycle service whose keyword arguments are the action's inputs."""

    def perform(item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
        return Outcome(service(item=item, actor=actor, **data))

    return perform


def _resolve(item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
    item = lifecycle.item_resolve(item=item, actor=actor, **data)
    review = reviews.after_resolution(item, actor=actor)
    detail = {"review_request": review.decision} if review is not None else {}
    return Outcome(item, detail)


def _message(item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
    message = message_send(item=item, actor=actor, **data)
    item.refresh_from_db()
    return Outcome(item, {"message_id": message.pk, "message_state": message.state})


def _review(item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
    review = reviews.review_request(item=item, actor=actor)
    item.refresh_from_db()
    return Outcome(item, {"review_request": review.decision})


def _merge(item: SupportItem, actor: User, data: dict[str, Any]) -> Outcome:
    into = lifecycle.item_merge(item=item, actor=actor, into=data["into"])
    return Outcome(into, {"merged": item.pk, "into": into.pk})


TEXT = Kind.TEXT
_REASON = Input("reason", TEXT, "Reason")

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("acknowledge", "Confirm receipt", _plain(lifecycle.item_acknowledge)),
        Action(
            "note",
            "Add note",
            _plain(lifecycle.item_add_note),
            inputs=(Input("text", TEXT, "Note"),),
        ),
        Action(
            "contact",
            "Log contact",
            _plain(lifecycle.item_log_contact),
            inputs=(
                Input(
                    "direction",
                    Kind.CHOICE,
                    "Direction",
                    choices=Direction,
                    initial=Direction.OUTBOUND,
                ),
                Input("channel", Kind.CHOICE, "Channel", choices=Channel, initial=Channel.PHONE),
                Input(
                    "outcome",
                    Kind.CHOICE,
                    "Result",
                    choices=ContactOutcome,
                    initial=ContactOutcome.REACHED,
                ),
                Input("note", TEXT, "Note", required=False),
                Input("gave_next_step", Kind.FLAG, "I gave the patient the next step"),
            ),
        ),  # fmt: skip
        Action(
            "update_window",
            "Save plan and update time",
            _plain(lifecycle.item_set_update_window),
            inputs=(
                Input("checking", TEXT, "What we are checking"),
                Input("next_step", TEXT, "Next step"),
                Input("update_at", Kind.INSTANT, "Patient hears from us by"),
            ),
        ),
        Action(
            "assign",
            "Route",
            _plain(lifecycle.item_assign),
            inputs=(
                Input("team", Kind.CHOICE, "Team", choices=Team),
                Input(
                    "owner",
                    Kind.STAFF,
                    "Owner",
                    required=False,
                    empty_label="Unassigned (team queue)",
                ),
            ),
        ),
        Action("start", "Start work", _plain(lifecycle.item_start)),
        Action(
            "wait",
            "Mark waiting",
            _plain(lifecycle.item_wait),
            inputs=(Input("waiting_on", Kind.CHOICE, "Waiting on", choices=WaitingOn),),
        ),
        Action("escalate", "Escalate", _plain(lifecycle.item_escalate), inputs=(_REASON,)),
        Action(
            "resolve",
            "Resolve",
            _resolve,
            decides=True,
            inputs=(
                Input("outcome", TEXT, "Outcome"),
                Input(
                    "told_patient",
                    Kind.FLAG,
                    "The patient has been told the next step (logs the contact)",
                ),
                Input(
                    "handed_off_to",
                    Kind.STAFF,
                    "Or hand off to",
                    required=False,
                    empty_label="— no handoff —",
                ),
                Input("patient_confirmed", Kind.FLAG, "The patient confirmed the outcome"),
            ),
        ),
        Action("close", "Close", _plain(lifecycle.item_close)),
        Action(
            "message",
            "Send a message",
            _message,
            inputs=(
                Input(
                    "channel",
                    Kind.CHOICE,
                    "Channel",
                    choices=ConsentChannel,
                    initial=ConsentChannel.SMS,
                ),
                Input(
                    "purpose",
                    Kind.CHOICE,
                    "Purpose",
                    choices=MessagePurpose,
                    initial=MessagePurpose.PENDING_UPDATE,
                ),
                Input(
                    "subject",
                    TEXT,
                    "Subject",
                    required=False,
                    max_length=200,
                    rows=0,
                    help="Email only; empty: the template's.",
                ),
                Input(
                    "body",
                    TEXT,
                    "Body",
                    required=False,
                    rows=3,
                    help="Leave empty to send the template for this purpose in the "
                    "patient's language.",
                ),
            ),
        ),  # fmt: skip
        Action("review", "Ask for a review", _review),
        Action(
            "categorize",
            "Change category",
            _plain(lifecycle.item_categorize),
            inputs=(
                Input("category", Kind.CATEGORY, "Category"),
                Input("urgency", Kind.CHOICE, "Urgency", choices=Urgency),
                Input("language", Kind.LANGUAGE, "Language"),
            ),
        ),
        Action(
            "link_patient",
            "This is the patient",
            _plain(lifecycle.item_link_patient),
            inputs=(Input("patient", Kind.PATIENT, "Which patient is this?"),),
        ),
        Action(
            "link_appointment",
            "Link to the visit",
            _plain(lifecycle.item_link_appointment),
            inputs=(Input("appointment", Kind.APPOINTMENT, "Which visit is this about?"),),
        ),
        Action(
            "merge",
            "Merge into another item",
            _merge,
            inputs=(Input("into", Kind.ITEM, "The same need as"),),
            help="This item closes as merged; its timeline joins the other item's.",
        ),
        Action("reopen", "Reopen", _plain(lifecycle.item_reopen), inputs=(_REASON,)),
    ]
}
