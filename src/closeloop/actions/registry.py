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
from typing import TypeAlias, TypeVar
from zoneinfo import ZoneInfo

from django.db import models, transaction

from closeloop.actions.inputs import Input, Kind, Values
from closeloop.core.types import Actor, User
from closeloop.messaging import language, reviews, status_links
from closeloop.messaging.after_resolution import follow_resolution
from closeloop.messaging.models import ConsentChannel, MessagePurpose, StaffPurpose
from closeloop.messaging.services import message_send
from closeloop.practices.choices import Team, Urgency
from closeloop.support_queue import colleague_requests, lifecycle
from closeloop.support_queue.item_writes import LifecycleError
from closeloop.support_queue.models import (
    AttemptResult,
    Channel,
    ContactResult,
    Direction,
    EventCode,
    ReceiptHow,
    SupportItem,
    TimelineEvent,
    WaitingOn,
)

#: Not an action: reading a clinical item's details needs the same access as working it.
VIEW_DETAILS = "view_details"


@dataclass(frozen=True)
class Outcome:
    """What an action did: the item as it now is, and anything else worth reporting (e.g.
    whether a review request was sent or withheld, and why)."""

    item: SupportItem
    detail: dict[str, object] = field(default_factory=dict)


Perform = Callable[[SupportItem, User, Values], Outcome]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    perform: Perform
    inputs: tuple[Input, ...] = ()
    #: Decides the item's outcome: clinical items by clinical staff, complaints by supervisors.
    decides: bool = False
    #: Only the item's owner may take it (accepting a handoff made to them).
    owner_only: bool = False
    help: str = ""

    @property
    def slug(self) -> str:
        """The API path segment: ``update_window`` -> ``update-window``."""
        return self.name.replace("_", "-")


class ItemChanged(LifecycleError):
    """The item changed after the person loaded it (another person, or the worker): the action
    is refused with what changed, so nobody overwrites what they did not see."""

    def __init__(self, item: SupportItem, loaded: int) -> None:
        since = list(
            TimelineEvent.objects.filter(item_id=item.pk, version__gt=loaded)
            .select_related("actor")
            .order_by("at", "pk")
        )
        zone = ZoneInfo(item.practice.timezone)
        what = "; ".join(
            f"{_who(event.actor)} — {EventCode(event.code).label.lower()} at "
            f"{event.at.astimezone(zone):%-I:%M %p %Z}"
            for event in since[-5:]
        )
        super().__init__(
            "changed_since_loaded",
            "This item changed after you opened it"
            + (f": {what}" if what else "")
            + ". Check what changed, then save again (what you typed is kept).",
        )
        self.loaded = loaded
        self.version = item.version
        self.events = since


def _who(user: Actor) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "Closeloop"


def run(
    action: Action,
    *,
    item: SupportItem,
    actor: User,
    data: Values,
    loaded_version: int | None = None,
) -> Outcome:
    """Take ``action`` in one transaction. The caller fetched ``item`` with
    ``access.item_for_action``; the services still check every loop rule. With
    ``loaded_version`` (the version the person's page or API client last saw) an item that
    changed since is refused (``ItemChanged``): optimistic concurrency for every door."""
    with transaction.atomic():
        if loaded_version is not None:
            current = SupportItem.objects.select_for_update().get(pk=item.pk)
            if current.version != loaded_version:
                raise ItemChanged(current, loaded_version)
        language.check_staff_words(
            item,
            {
                f"the {spec.label.lower()}": str(data[spec.name])
                for spec in action.inputs
                if spec.patient_reads and data.get(spec.name)
            },
        )
        return action.perform(item, actor, data)


T = TypeVar("T")
#: A service whose keyword arguments, beside ``item`` and ``actor``, are an action's inputs.
#: mypy cannot match a mapping of values against a signature, so this is the one place the
#: registry calls without a static check: each value was checked against its ``Input`` by the
#: door's form or schema, and the service's signature says the rest (a TypedDict of inputs per
#: action would let mypy check it too).
Service: TypeAlias = Callable[..., T]  # type: ignore[explicit-any]


def _with_inputs(service: Service[T], item: SupportItem, actor: User, data: Values) -> T:
    return service(item=item, actor=actor, **data)


def _plain(service: Service[SupportItem]) -> Perform:
    """A lifecycle service whose keyword arguments are the action's inputs."""

    def perform(item: SupportItem, actor: User, data: Values) -> Outcome:
        return Outcome(_with_inputs(service, item, actor, data))

    return perform


def _resolve(item: SupportItem, actor: User, data: Values) -> Outcome:
    item = _with_inputs(lifecycle.item_resolve, item, actor, data)
    detail = follow_resolution(item, actor=actor).detail
    if detail:
        # A message sent after the resolution is an event of its own (the item's version went
        # up): the page rendered from a stale copy would take its own message for someone
        # else's change ("This item changed since you opened it").
        item.refresh_from_db()
    return Outcome(item, detail)


def _message(item: SupportItem, actor: User, data: Values) -> Outcome:
    if data["purpose"] == MessagePurpose.REVIEW_REQUEST:
        # The same guardrails as "Ask for a review", and the decision recorded either way.
        return _review(item, actor, {})
    message = _with_inputs(message_send, item, actor, data)
    item.refresh_from_db()
    return Outcome(item, {"message_id": message.pk, "message_state": message.state})


def _review(item: SupportItem, actor: User, data: Values) -> Outcome:
    review = reviews.review_request(item=item, actor=actor)
    item.refresh_from_db()
    return Outcome(item, {"review_request": review.decision})


def _merge(item: SupportItem, actor: User, data: Values) -> Outcome:
    target = data["into"]
    if not isinstance(target, SupportItem):  # the ITEM input's ``resolve`` found it
        raise TypeError(f"merge into {target!r}: not an item")
    into = lifecycle.item_merge(item=item, actor=actor, into=target)
    return Outcome(into, {"merged": item.pk, "into": into.pk})


TEXT = Kind.TEXT
_REASON = Input("reason", TEXT, "Reason")
#: Said of every input the patient reads (the page adds the language it must be in).
TO_PATIENT = "The patient reads it: in their language, speaking to them (“we call you”)."
#: The promise a contact renews: asked whenever the patient hears from us and the item stays
#: open (suggested on the page from the category's update interval and business hours).
_NEXT_UPDATE = Input(
    "next_update_at",
    Kind.INSTANT,
    "Patient hears from us next by",
    required=False,
    help="Required while the item stays open: the contact renews the promise.",
)


#: Asked beside every promise: a time outside business hours is kept only with a reason, which
#: goes on the timeline (``support_queue.item_writes.check_promise``; not needed on red-flag items).
AFTER_HOURS = Input(
    "after_hours_reason",
    TEXT,
    "After hours is fine, because",
    required=False,
    max_length=500,
    rows=0,
    help="Only for a time outside business hours: why the practice can keep it then.",
)


def _choice(
    name: str, label: str, choices: type[models.TextChoices], initial: str | None = None
) -> Input:
    return Input(name, Kind.CHOICE, label, choices=choices, initial=initial)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "acknowledge",
            "Confirm receipt",
            _plain(lifecycle.item_acknowledge),
            inputs=(
                _choice("how", "How the patient was told", ReceiptHow, ReceiptHow.CALL),
                Input("next_update_at", Kind.INSTANT, "Patient hears from us next by"),
                AFTER_HOURS,
            ),
        ),
        Action(
            "ask",
            "Ask a colleague",
            _plain(colleague_requests.request_ask),
            inputs=(
                Input("colleague", Kind.STAFF, "Ask"),
                Input("text", TEXT, "What do you need from them"),
                Input("due_at", Kind.INSTANT, "Answer needed by"),
            ),
            help="It appears in their queue with its deadline; you are told when they answer.",
        ),
        Action(
            "answer_request",
            "Answer a request",
            _plain(colleague_requests.request_answer),
            inputs=(Input("answer", TEXT, "Your answer"),),
            help="Answers the request made to you on this item; the person who asked is told.",
        ),
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
                _choice("direction", "Direction", Direction, Direction.OUTBOUND),
                _choice("channel", "Channel", Channel, Channel.PHONE),
                _choice("outcome", "Result", ContactResult, ContactResult.REACHED),
                Input("note", TEXT, "Note", required=False),
                Input("gave_next_step", Kind.FLAG, "I gave the patient the next step"),
                _NEXT_UPDATE,
                AFTER_HOURS,
            ),
            help="A call, visit or voicemail in which the patient heard from us.",
        ),
        Action(
            "attempt",
            "Log a call attempt",
            _plain(lifecycle.item_log_attempt),
            inputs=(
                _choice("channel", "Channel", Channel, Channel.PHONE),
                _choice("outcome", "Result", AttemptResult, AttemptResult.NO_ANSWER),
                Input("note", TEXT, "Note", required=False),
            ),
            help="A call that did not reach the patient: the promise stands, and the "
            "practice's callback policy sets when the next attempt is due.",
        ),
        Action(
            "update_window",
            "Save plan and update time",
            _plain(lifecycle.item_set_update_window),
            inputs=(
                Input(
                    "checking", TEXT, "What we are checking", help=TO_PATIENT, patient_reads=True
                ),
                Input("next_step", TEXT, "Next step", help=TO_PATIENT, patient_reads=True),
                Input("update_at", Kind.INSTANT, "Patient hears from us by"),
                AFTER_HOURS,
            ),
        ),
        Action(
            "assign",
            "Route or hand off",
            _plain(lifecycle.item_assign),
            inputs=(
                _choice("team", "Team", Team),
                Input(
                    "owner",
                    Kind.STAFF,
                    "Owner",
                    required=False,
                    empty_label="Unassigned (team queue)",
                ),
                Input("reason", TEXT, "Handoff note", required=False),
            ),
            help="Handing it to a colleague moves it to them with the patient's promise; they "
            "accept it within the category's target or it escalates. It stays open until they "
            "give the patient the next step.",
        ),  # fmt: skip
        Action("accept", "Accept the handoff", _plain(lifecycle.item_accept), owner_only=True),
        Action("start", "Start work", _plain(lifecycle.item_start)),
        Action(
            "wait",
            "Mark waiting",
            _plain(lifecycle.item_wait),
            inputs=(_choice("waiting_on", "Waiting on", WaitingOn),),
        ),
        Action("escalate", "Escalate", _plain(lifecycle.item_escalate), inputs=(_REASON,)),
        Action(
            "resolve",
            "Resolve",
            _resolve,
            decides=True,
            inputs=(
                Input("outcome", TEXT, "Outcome", help=TO_PATIENT, patient_reads=True),
                Input(
                    "told_patient",
                    Kind.FLAG,
                    "I am telling the patient the next step now (logs the contact)",
                ),
                Input("patient_confirmed", Kind.FLAG, "The patient confirmed the outcome"),
                Input(
                    "recovery_action",
                    TEXT,
                    "Recovery action (complaints)",
                    required=False,
                    help="What we did to make it right: a complaint needs it, and a "
                    "supervisor's logged callback.",
                ),
            ),
        ),  # fmt: skip
        Action(
            "answer",
            "Answered on the spot",
            _plain(lifecycle.item_answer),
            decides=True,
            inputs=(
                Input(
                    "answer",
                    TEXT,
                    "What you told the patient",
                    help="A question answered during the call or at the desk: the answer is "
                    "the next step given, and the item is resolved. " + TO_PATIENT,
                    patient_reads=True,
                ),
            ),
        ),
        Action("close", "Close", _plain(lifecycle.item_close)),
        Action(
            "message",
            "Send a message",
            _message,
            inputs=(
                _choice("channel", "Channel", ConsentChannel, ConsentChannel.SMS),
                _choice("purpose", "Purpose", StaffPurpose, StaffPurpose.PENDING_UPDATE),
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
                    help="Leave empty to send the template for this purpose in the patient's "
                    "language.",
                ),
                _NEXT_UPDATE,
                AFTER_HOURS,
            ),
        ),  # fmt: skip
        Action("review", "Ask for a review", _review),
        Action(
            "revoke_links",
            "Turn off status links",
            _plain(status_links.links_revoke),
            inputs=(
                Input("reason", TEXT, "Why", rows=0, help="For the timeline, e.g. “lost phone”."),
                Input("confirm", Kind.FLAG, "Every status link sent so far stops working now"),
            ),
            help="Whoever opens one of this item's links is asked to call the practice; "
            "messages sent later carry a new link.",
        ),
        Action(
            "categorize",
            "Change category",
            _plain(lifecycle.item_categorize),
            inputs=(
                Input("category", Kind.CATEGORY, "Category"),
                _choice("urgency", "Urgency", Urgency),
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
            "unlink_appointment",
            "Not about this visit",
            _plain(lifecycle.item_unlink_appointment),
            help="Unlinks the visit (e.g. one linked automatically when the request came in): "
            "no before-the-visit deadline, and the telehealth figures leave it out.",
        ),
        Action(
            "merge",
            "Merge into another item",
            _merge,
            inputs=(Input("into", Kind.ITEM, "The same need as"),),
            help="This item closes as merged; its timeline joins the other item's.",
        ),
        Action(
            "reopen",
            "Reopen",
            _plain(lifecycle.item_reopen),
            inputs=(
                _REASON,
                Input(
                    "next_update_at",
                    Kind.INSTANT,
                    "Patient hears from us by",
                    required=False,
                    help="Empty: within the category's first-response target.",
                ),
                AFTER_HOURS,
            ),
        ),  # fmt: skip
    ]
}
