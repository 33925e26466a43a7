"""Messages to patients: rendered from templates or written by staff, checked (consent,
minimum necessary), held for quiet hours, logged on the item, and sent by the worker exactly
once — after being judged again right before they leave (``sendtime``). History is recorded,
never sent (``core.history``). Messages about a visit (reminders, confirmation requests) are
rendered by ``outreach.sends.render``."""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from closeloop.core import claims
from closeloop.core.history import is_history
from closeloop.core.sms import send_sms
from closeloop.core.types import Actor
from closeloop.lib import placeholders
from closeloop.lib.classify import score_categories
from closeloop.lib.phones import display_phone
from closeloop.lib.redflags import find_red_flags
from closeloop.lib.textnorm import normalize
from closeloop.messaging import language, sendtime, status_links, wording
from closeloop.messaging.consent import may_contact
from closeloop.messaging.models import (
    ConsentChannel,
    MessagePurpose,
    MessageState,
    MessageTemplate,
    OutboundMessage,
    ReviewDecision,
    ReviewRequest,
)
from closeloop.messaging.sendtime import QUOTES_UPDATE_TIME
from closeloop.practices.local_time import for_patient
from closeloop.practices.models import Practice, sms_account
from closeloop.support_queue import lifecycle
from closeloop.support_queue.item_writes import check_promise
from closeloop.support_queue.models import SupportItem

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "closeloop.unsubscribe"


class MessageRefused(lifecycle.LifecycleError):
    """The message may not be sent; the message says why, for the person who tried."""


def shipped_template(
    practice_id: int, purpose: str, language: str, channel: str = ConsentChannel.SMS
) -> MessageTemplate | None:
    """The template Closeloop ships for a purpose, channel and language (unsaved): what a
    practice uses until it writes its own; None when that language's catalog lacks it."""
    shipped = wording.SHIPPED.get(purpose)
    if shipped is None:
        return None
    body = shipped.text if channel == ConsentChannel.SMS else shipped.email
    if not (body.translated_in(language) and shipped.subject.translated_in(language)):
        return None
    return MessageTemplate(
        practice_id=practice_id, purpose=purpose, language=language,
        subject=shipped.subject.said_in(language), body=body.said_in(language),
    )  # fmt: skip


def template_for(
    item: SupportItem, purpose: str, channel: str = ConsentChannel.SMS
) -> MessageTemplate | None:
    """In the item's language, never another: the practice's template for the item's
    category, else its generic one, else the shipped one for the channel."""
    return (
        MessageTemplate.objects.filter(
            practice_id=item.practice_id, purpose=purpose, language=item.language
        )
        .filter(Q(category=item.category) | Q(category__isnull=True))
        .order_by("category_id")
        .first()
    ) or shipped_template(item.practice_id, purpose, item.language, channel)


def facts(item: SupportItem, update_time: datetime | None = None) -> dict[str, str]:
    """What a template may say about an item. Every time is the tracked promise (or the time
    being promised), in the practice's time zone and the patient's language."""
    when = update_time or item.promised_update_at
    first = (
        item.patient.first_name
        if item.patient
        else (item.caller_name.split(" ")[0] if item.caller_name else "")
    )
    return {
        "first_name": first,
        "practice": item.practice.name,
        "update_time": for_patient(item.practice, when, item.language) if when else "",
        "next_step": item.next_step.strip().rstrip("."),
        "callback_number": display_phone(item.practice.phone) or item.practice.phone,
        "review_link": item.practice.review_link,
    }


#: What staff must give before a template that states a fact can be sent ("" : may be blank).
MISSING_FACT = {
    "update_time": "when the patient hears from us next",
    "next_step": "the next step (save the plan first)",
    "callback_number": "the practice's phone number (Configuration)",
    "review_link": "the practice's review link (Configuration)",
    "practice": "the practice's name",
    "first_name": "",
    "visit_time": "a visit (visit messages are sent by the outreach plan)",
    "visit_link": "a visit (visit messages are sent by the outreach plan)",
    "device_test_link": "a visit (visit messages are sent by the outreach plan)",
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render(
    item: SupportItem,
    purpose: str,
    update_time: datetime | None = None,
    channel: str = ConsentChannel.SMS,
) -> tuple[str, str]:
    """The practice's template for ``purpose`` and ``channel`` in the patient's language,
    filled in. Refused when a fact it states is missing, so no "will update you by ." ever
    goes out, and when the language has no such template (never English instead)."""
    if purpose not in MessagePurpose.values:
        raise MessageRefused("bad_purpose", f"Unknown purpose {purpose!r}.")
    template = template_for(item, purpose, channel)
    if template is None:
        problem = language.message_problem(item, item.language, purpose, channel, [])
        raise MessageRefused(
            "language_incomplete",
            problem.message if problem else f"No {purpose} template for this practice.",
        )
    values = facts(item, update_time)
    for name in sorted(_fields(template.subject) | _fields(template.body)):
        if not values.get(name) and MISSING_FACT.get(name, name):
            raise MessageRefused(
                "missing_fact", f"This message needs {MISSING_FACT.get(name, name)}."
            )
    return fill(template.subject, template.body, values)


def fill(subject: str, body: str, values: Mapping[str, str]) -> tuple[str, str]:
    """A template's subject and body with the facts filled in: the one place a template
    becomes the words a patient reads (``render``) and that Settings previews. A placeholder
    with no fact is left as typed (``render`` refuses a missing fact before filling)."""
    # A greeting without a first name ("Hi , …") reads "Hi, …".
    return placeholders.fill(subject, values), placeholders.fill(body, values).replace(" ,", ",")


def address_for(item: SupportItem, channel: str) -> str:
    if channel == ConsentChannel.SMS:
        return item.patient.phone if item.patient and item.patient.phone else item.callback_number
    return item.patient.email if item.patient and item.patient.email else item.contact_email


def clinical_content(text: str) -> str:
    """Why ``text`` looks clinical (symptoms, medication, results), or "" when it does not."""
    if find_red_flags(text):
        return "it mentions urgent symptoms"
    score, words = score_categories(normalize(text)).get("clinical_message", (0, []))
    return f"it mentions {', '.join(words)}" if score >= 3 else ""


#: Purposes that are not a contact with the patient ("please call us" keeps no promise; the
#: emergency notice is not the clinician's answer).
NOT_A_CONTACT = frozenset(
    {MessagePurpose.CALLBACK_MISSED, MessagePurpose.EMERGENCY, MessagePurpose.CLOSURE_QUESTION}
)


def is_automatic_reply(message: OutboundMessage) -> bool:
    """Sent by nobody (the practice's after-hours acknowledgement) as a contact: an automatic
    reply, recorded beside the first response and never as it."""
    return message.created_by_id is None and message.purpose not in NOT_A_CONTACT


@transaction.atomic
def message_send(
    *,
    item: SupportItem,
    actor: Actor,
    channel: str,
    purpose: str,
    body: str = "",
    subject: str = "",
    next_update_at: datetime | None = None,
    after_hours_reason: str = "",
    review_decided: bool = False,
) -> OutboundMessage:
    """Queue a message (rendered from the template when ``body`` is empty) and log it.

    The promise: a message that states an update time states ``next_update_at``, which becomes
    the item's promise (chosen first, then rendered into the text — a text staff edited must
    still state it). Review requests go only through ``reviews.review_request``, whose
    guardrails decide and record every one (``review_decided``). A promise outside business
    hours needs ``after_hours_reason`` (``support_queue.item_writes.check_promise``), judged before
    anything is written — on a resolved or closed item too: the text still quotes the time.
    """
    to = _recipient(item, channel, purpose, review_decided=review_decided)
    if purpose in QUOTES_UPDATE_TIME and item.is_open and next_update_at is None:
        raise MessageRefused(
            "next_update_required",
            "Say when the patient hears from us next: the message states it.",
            missing=["when the patient hears from us next"],
        )
    if next_update_at is not None and purpose not in NOT_A_CONTACT:
        # Every time quoted to a patient, on an open item or a closed one: the one promise rule.
        next_update_at, after_hours_reason = check_promise(
            item, next_update_at, timezone.now(), "when the patient hears from us next",
            after_hours_reason,
        )  # fmt: skip
    subject, body, staff_words = _text(item, channel, purpose, subject, body, next_update_at)
    message = _queued(item, actor, channel, purpose, to, subject, body, staff_words)
    _record(message, item, actor, next_update_at, after_hours_reason)
    if message.state == MessageState.QUEUED:
        deliver_message.enqueue(message.pk)
    return message


def _recipient(item: SupportItem, channel: str, purpose: str, *, review_decided: bool) -> str:
    """Where the message goes: a known channel and purpose (a review request only through its
    guardrails), an address for the channel, and the patient's consent to it."""
    if channel not in ConsentChannel.values:
        raise MessageRefused("bad_channel", f"Unknown channel {channel!r}.")
    if purpose not in MessagePurpose.values:
        raise MessageRefused("bad_purpose", f"Unknown purpose {purpose!r}.")
    if purpose == MessagePurpose.REVIEW_REQUEST and not review_decided:
        raise MessageRefused(
            "review_guardrails",
            "Ask for a review with “Ask for a review”: its guardrails decide every request.",
        )
    to = address_for(item, channel)
    if not to:
        what = "mobile number" if channel == ConsentChannel.SMS else "email address"
        raise MessageRefused("no_address", f"There is no {what} for this patient.")
    if not may_contact(item.practice, channel, to):
        raise MessageRefused(
            "opted_out", f"The patient opted out of {ConsentChannel(channel).label.lower()}."
        )
    return to


def _text(
    item: SupportItem,
    channel: str,
    purpose: str,
    subject: str,
    body: str,
    next_update_at: datetime | None,
) -> tuple[str, str, list[str]]:
    """(subject, body, what staff wrote that the patient will read): rendered from the
    template when ``body`` is empty, else stating the promised time; no clinical details in a
    text; in the patient's language; with their status link."""
    # The emergency notice is the practice's own fixed wording, the same for every patient.
    checks_content = purpose != MessagePurpose.EMERGENCY or bool(body.strip())
    # What staff wrote that the patient will read: checked for language now and when it leaves.
    staff_words = [subject.strip(), body.strip()]
    if not body.strip():
        subject, body = render(item, purpose, next_update_at, channel)
        staff_words = [item.next_step.strip()] if item.next_step.strip() in body else []
    elif next_update_at is not None and purpose in QUOTES_UPDATE_TIME:
        stated = facts(item, next_update_at)["update_time"]
        if stated not in body:
            raise MessageRefused(
                "promise_not_stated",
                f"The message must state the update time being promised: “{stated}”.",
            )
    # The practice's own name ("… Family Medicine") is not a clinical detail.
    checked = body.replace(item.practice.name, "")
    if channel == ConsentChannel.SMS and checks_content and (why := clinical_content(checked)):
        raise MessageRefused(
            "clinical_content", f"Text messages must not carry clinical details, and {why}."
        )
    problem = language.message_problem(item, item.language, purpose, channel, staff_words)
    if problem is not None:
        raise MessageRefused(problem.code, problem.message)
    # The patient's private status link, when the practice shows status pages.
    return subject, status_links.with_link(item, body.strip(), purpose, item.language), staff_words


def _queued(
    item: SupportItem,
    actor: Actor,
    channel: str,
    purpose: str,
    to: str,
    subject: str,
    body: str,
    staff_words: list[str],
) -> OutboundMessage:
    """The message stored: queued, held until quiet hours end, or (backfilled or imported
    history, recorded as it happened) never sent."""
    now = timezone.now()
    history = is_history()
    held_until = None
    if not history:
        held_until = sendtime.quiet_hours_end(
            item.practice, channel=channel, purpose=purpose, urgency=item.urgency, at=now
        )
    state = MessageState.HELD if held_until else MessageState.QUEUED
    return OutboundMessage.objects.create(
        item=item,
        practice=item.practice,
        channel=channel,
        to=to,
        subject=subject.strip()[:200]
        or wording.SUBJECT.said_in(item.language).format(practice=item.practice.name)[:200],
        body=body.strip(),
        purpose=purpose,
        language=item.language,
        staff_words="\n".join(" ".join(words.split()) for words in staff_words if words),
        # Backfilled or imported history is recorded as it happened and never sent.
        state=MessageState.RECORDED if history else state,
        send_after=held_until or now,
        created_by=actor,
    )


def _record(
    message: OutboundMessage,
    item: SupportItem,
    actor: Actor,
    next_update_at: datetime | None,
    after_hours_reason: str,
) -> None:
    """The message on the item's timeline (a contact renewing the promise, unless it is a
    one-way notice), and on the message what it did to the item, so a failure can undo it."""
    next_step = item.next_step.strip().rstrip(".")
    recorded = lifecycle.item_record_message(
        item=item,
        actor=actor,
        channel=message.channel,
        purpose=message.purpose,
        message_id=message.pk,
        text=message.body,
        next_update_at=next_update_at,
        gives_next_step=bool(next_step) and next_step in message.body,
        contact=message.purpose not in NOT_A_CONTACT,
        after_hours_reason=after_hours_reason,
    )
    message.promised_update_at = recorded.promised
    message.promise_before = recorded.promise_before
    message.first_response = recorded.first_response
    # What made the text true: judged again right before it leaves (``sendtime``).
    message.item_status, message.item_version = recorded.item.status, recorded.item.version
    message.save(
        update_fields=[
            "promised_update_at", "promise_before", "first_response", "item_status",
            "item_version",
        ]
    )  # fmt: skip


# --- sending ------------------------------------------------------------------------------------


def _claim(message_id: int, now: datetime) -> bool:
    return claims.claim(
        OutboundMessage, message_id, pending=MessageState.QUEUED, time_field="send_after", now=now
    )


def _send_sms(message: OutboundMessage) -> str:
    practice = message.practice
    callback = f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/hooks/twilio/{practice.slug}/status/"
    return send_sms(
        sms_account(practice, callback), to=message.to, body=message.body,
        what=f"item {message.item_id}",
    )  # fmt: skip


def unsubscribe_url(practice: Practice, address: str, language: str = "en") -> str:
    token = signing.dumps(
        {"p": practice.pk, "a": address.lower(), "l": language}, salt=UNSUBSCRIBE_SALT
    )
    return f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/u/{token}/"


def email_patient(
    *,
    practice: Practice,
    to: str,
    language: str,
    subject: str,
    body: str,
    message_id: str,
    delivery: str,
) -> None:
    """One email to a patient (an item's message, a visit's outreach): the unsubscribe footer in
    their language and the List-Unsubscribe header; ``message_id`` is what replies thread on,
    ``delivery`` (X-Closeloop-Delivery) says which row it is, the same on a retry."""
    unsubscribe = unsubscribe_url(practice, to, language)
    footer = wording.UNSUBSCRIBE.said_in(language).format(practice=practice.name, link=unsubscribe)
    EmailMessage(
        subject=subject,
        body=f"{body}\n\n--\n{footer}\n",
        to=[to],
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "X-Closeloop-Delivery": delivery,
        },
    ).send()


def _send_email(message: OutboundMessage) -> str:
    # Replies carry this Message-ID in In-Reply-To, which threads them onto the item.
    message_id = f"<item-{message.item_id}.{secrets.token_hex(6)}@closeloop>"
    email_patient(
        practice=message.practice, to=message.to, language=message.language,
        subject=message.subject, body=message.body, message_id=message_id,
        # The same on a retry (Message-ID is new each time): which message this is.
        delivery=f"message-{message.pk}",
    )  # fmt: skip
    return message_id


def deliver(message_id: int) -> str:
    """Send one due message (the task, the sweep's release and its re-drive of a dead worker's
    lease all come here). Claimed first; then judged again (``sendtime.judge``: quiet hours,
    consent, the item's state, freshness) and held or cancelled instead of sent when it must."""
    now = timezone.now()
    if not _claim(message_id, now):
        return "not-due"
    message = OutboundMessage.objects.select_related(
        "practice", "item__practice", "item__category"
    ).get(pk=message_id)
    verdict = sendtime.judge(message, now)
    if isinstance(verdict, sendtime.Hold):
        return _hold(message, verdict.until)
    if isinstance(verdict, sendtime.Cancel):
        message_cancel(message_id=message.pk, code=verdict.code, reason=verdict.reason)
        return MessageState.CANCELLED
    # The patient-language rule, again at the moment of sending (every attempt): words in
    # another language, or a language lacking a string, are held for the owner to fix.
    reason = language.hold_reason(message)
    if reason is not None:
        return hold_for_owner(message, reason)
    message.attempts += 1
    try:
        sender = _send_sms if message.channel == ConsentChannel.SMS else _send_email
        message.provider_id = sender(message)
        message.state, message.sent_at, message.last_error = MessageState.SENT, timezone.now(), ""
    except Exception as exc:  # noqa: BLE001  (any provider failure is recorded and retried)
        message.last_error = f"{type(exc).__name__}: {exc}"[:300]
        message.state = (
            MessageState.FAILED if message.attempts >= MAX_ATTEMPTS else MessageState.QUEUED
        )
        retry_at = timezone.now() + timedelta(minutes=2**message.attempts)
        # The back-off never lands in quiet hours: it waits for their end instead.
        held = sendtime.quiet_hours_end(
            message.practice, channel=message.channel, purpose=message.purpose,
            urgency=message.item.urgency, at=retry_at,
        )  # fmt: skip
        if held is not None and message.state == MessageState.QUEUED:
            message.state = MessageState.HELD
        message.send_after = held or retry_at
    message.claimed_at = None
    message.save()
    if message.state == MessageState.QUEUED:
        deliver_message.using(run_after=message.send_after).enqueue(message.pk)
    if message.state == MessageState.FAILED:
        record_failure(message.pk)
    return str(message.state)


def hold_for_owner(message: OutboundMessage, reason: str) -> str:
    """Never sent as it is: held with the reason; the item learns it kept no promise and its
    owner is alerted (``item_message_failed``) to fix the words or call with an interpreter."""
    with transaction.atomic():
        message.state, message.last_error, message.claimed_at = (
            MessageState.NEEDS_OWNER,
            reason[:300],
            None,
        )
        message.failure_recorded_at = timezone.now()
        message.save(update_fields=["state", "last_error", "claimed_at", "failure_recorded_at"])
        lifecycle.item_message_failed(
            item_id=message.item_id, message_id=message.pk, channel=message.channel,
            promised=message.promised_update_at, promise_before=message.promise_before,
            reason=f"held for the owner: {reason}", automatic_reply=is_automatic_reply(message),
        )  # fmt: skip
    return str(message.state)


def _hold(message: OutboundMessage, until: datetime) -> str:
    """Back to waiting (the sweep releases it at ``until`` and it is judged again then)."""
    message.state, message.send_after, message.claimed_at = MessageState.HELD, until, None
    message.save(update_fields=["state", "send_after", "claimed_at"])
    return MessageState.HELD


#: States a message can be cancelled from: waiting, or claimed by the worker judging it.
CANCELLABLE = (MessageState.HELD, MessageState.QUEUED, MessageState.SENDING)


@transaction.atomic
def message_cancel(*, message_id: int, code: str, reason: str) -> bool:
    """Cancel a message that has not left: never sent. Its stable ``code`` is kept on it, the
    item's timeline says why, a promise it made is withdrawn (a message that is not delivered
    keeps no promise) and, while the item is open, the owner is told. A review request it
    carried is recorded as cancelled. False when it already left or was cancelled."""
    message = OutboundMessage.objects.select_for_update().get(pk=message_id)
    if message.state not in CANCELLABLE:
        return False
    message.state, message.cancel_code = MessageState.CANCELLED, code
    message.cancelled_at, message.claimed_at = timezone.now(), None
    # A save, not an update: the audit trail records the change like any other.
    message.save(update_fields=["state", "cancel_code", "cancelled_at", "claimed_at"])
    for review in ReviewRequest.objects.filter(message=message, decision=ReviewDecision.SENT):
        review.decision = ReviewDecision.CANCELLED
        review.save(update_fields=["decision"])
    lifecycle.item_message_cancelled(
        item_id=message.item_id,
        message_id=message.pk,
        channel=message.channel,
        purpose=message.purpose,
        promised=message.promised_update_at,
        promise_before=message.promise_before,
        code=code,
        reason=reason,
        automatic_reply=is_automatic_reply(message),
    )
    return True


@transaction.atomic
def record_failure(message_id: int) -> bool:
    """A message that finally failed (or was undelivered) kept no promise: the item learns so,
    once (claimed by a conditional update)."""
    now = timezone.now()
    won = OutboundMessage.objects.filter(
        pk=message_id, state=MessageState.FAILED, failure_recorded_at__isnull=True
    ).update(failure_recorded_at=now)
    if not won:
        return False
    message = OutboundMessage.objects.get(pk=message_id)
    lifecycle.item_message_failed(
        item_id=message.item_id,
        message_id=message.pk,
        channel=message.channel,
        promised=message.promised_update_at,
        promise_before=message.promise_before,
        reason=message.last_error or "not delivered",
        automatic_reply=is_automatic_reply(message),
    )
    return True


@task()
def deliver_message(message_id: int) -> str:
    return deliver(message_id)


def release_due(now: datetime) -> int:
    """Held messages whose quiet hours ended, and queued ones a lost task left behind."""
    due = claims.released_and_due(
        OutboundMessage, held=MessageState.HELD, pending=MessageState.QUEUED, now=now
    )
    return sum(deliver(pk) != "not-due" for pk in due)


STATUS_MAP = {
    "delivered": MessageState.DELIVERED,
    "failed": MessageState.FAILED,
    "undelivered": MessageState.FAILED,
}


def record_status(practice: Practice, provider_id: str, status: str, error: str = "") -> bool:
    """A delivery status callback for one of ``practice``'s messages (never another's)."""
    state = STATUS_MAP.get(status)
    if state is None:
        return False
    messages = OutboundMessage.objects.filter(practice=practice, provider_id=provider_id)
    updated = messages.update(state=state, last_error=f"carrier status {status} {error}".strip())
    if state == MessageState.FAILED:
        for message_id in messages.values_list("pk", flat=True):
            record_failure(message_id)
    return bool(updated)
