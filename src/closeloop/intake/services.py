"""Every inbound contact becomes (or joins) exactly one item.

The rules: a provider's retry changes nothing (``InboundMessage`` is unique per provider id); a
patient who already has an open item in the same category, or any open item updated in the last
14 days when the category is not known, gets a repeat contact on that item instead of a new one;
a number or address that matches several patients is not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from closeloop.appointments.models import Appointment
from closeloop.appointments.selectors import next_video_visit
from closeloop.core.types import Actor
from closeloop.intake.models import InboundMessage
from closeloop.lib.classify import Suggestion
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.lib.textnorm import normalize
from closeloop.messaging.models import ConsentChannel, MessagePurpose, OutboundMessage
from closeloop.messaging.services import MessageRefused, message_send
from closeloop.patients.models import Patient
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import Category, Practice, StaffProfile
from closeloop.practices.selectors import staff_profile
from closeloop.support_queue import lifecycle
from closeloop.support_queue.item_writes import receipt_how
from closeloop.support_queue.models import OPEN_STATUSES, Channel, SupportItem, contacted_again
from closeloop.triage import services as triage

REPEAT_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class IntakeResult:
    item: SupportItem
    created: bool  # a new item was filed
    repeat: bool  # attached to an open item as a repeat contact
    duplicate: bool  # a provider retry: nothing changed


def clean_phone(raw: str) -> str:
    """E.164, or "" for withheld or malformed caller ids (kept in the raw payload)."""
    try:
        return normalize_phone(raw) if raw else ""
    except PhoneError:
        return ""


def match_patients(practice: Practice, *, phone: str = "", email: str = "") -> list[Patient]:
    if not phone and not email:
        return []
    who = Q()
    if phone:
        who |= Q(phone=phone) | Q(alt_phone=phone)
    if email:
        who |= Q(email__iexact=email)
    return list(Patient.objects.for_practice(practice).filter(who).order_by("id")[:10])


def name_matches(patient: Patient, given: str) -> bool:
    """Whether the name a sender gave is this patient's. A phone number or an address is a
    household's, not a person's: "Ramón Torres" writing from Ana Lopez's number is not Ana.
    One word must be the first name; more must include the last name and the first name (or
    its initial)."""
    words = normalize(given).split()
    if not words:
        return True  # nothing to compare (a text or a voicemail gives no name)
    first, last = normalize(patient.first_name).split(), normalize(patient.last_name).split()
    if len(words) == 1:
        return words[0] in first
    initials = {word[0] for word in first}
    return bool(set(words) & set(last)) and (
        bool(set(words) & set(first)) or any(len(w) == 1 and w in initials for w in words)
    )


def identify(
    practice: Practice,
    *,
    phone: str = "",
    email: str = "",
    name: str = "",
    birth_date: date | None = None,
) -> tuple[Patient | None, list[int]]:
    """The patient a contact comes from, or None with the candidates staff must choose from
    (several patients share the number, or the one who does has another name or birth date)."""
    patients = match_patients(practice, phone=phone, email=email)
    named = [
        p
        for p in patients
        if name_matches(p, name)
        and (birth_date is None or p.date_of_birth is None or p.date_of_birth == birth_date)
    ]
    if len(named) == 1:
        return named[0], []
    return None, [p.pk for p in patients]


def item_to_join(
    practice: Practice,
    *,
    patient: Patient | None,
    phone: str = "",
    email: str = "",
    category: Category | None = None,
    reopen_category: Category | None = None,
    now: datetime | None = None,
) -> SupportItem | None:
    """The item a new contact from this person belongs to: their open item (in the same
    category when it is known; else any open item updated in the last 14 days), else one
    resolved within the practice's reopen window in the same category (it reopens).

    A known patient's items are theirs; a caller who is not identified joins only items of the
    same unknown caller (never a patient's who happens to share the number)."""
    now = now or timezone.now()
    if patient is not None:
        who = Q(patient=patient)
    elif phone or email:
        who = Q(patient__isnull=True) & (
            (Q(callback_number=phone) if phone else Q(pk__in=[]))
            | (Q(contact_email__iexact=email) if email else Q(pk__in=[]))
        )
    else:
        return None
    items = SupportItem.objects.for_practice(practice).filter(who)
    is_open = Q(status__in=OPEN_STATUSES)
    joins = is_open & (
        Q(category=category) if category is not None else Q(updated_at__gte=now - REPEAT_WINDOW)
    )
    reopen_in = category or reopen_category
    if reopen_in is not None:
        joins |= (
            Q(
                category=reopen_in,
                resolved_at__gte=now - timedelta(days=practice.reopen_days),
                merged_into__isnull=True,
            )
            & ~is_open
        )
    # One query: an open item first (the latest updated), else the latest resolved one.
    return (
        items.filter(joins)
        .annotate(
            joinable_open=Case(When(is_open, then=Value(1)), default=Value(0)),
            joinable_at=Case(When(is_open, then=F("updated_at")), default=F("resolved_at")),
        )
        .order_by("-joinable_open", "-joinable_at", "-id")
        .first()
    )


def record_inbound(
    practice: Practice, kind: str, external_id: str, payload: dict[str, Any]
) -> tuple[InboundMessage, bool]:
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                practice=practice, kind=kind, external_id=external_id, payload=payload
            ), True
    except IntegrityError:
        # Another request (a provider retry racing the first) stored it first.
        return InboundMessage.objects.select_for_update().get(
            practice=practice, kind=kind, external_id=external_id
        ), False


@dataclass(frozen=True)
class Contact:
    """One contact as a door received it.

    Who: the patient when the door knows them, else what the caller gave (a name, a number or
    an address; ``birth_date`` from the web form) for ``identify``. How: the ``channel``, when
    (``at``, default now) and the raw inbound record (``inbound_id``). What was said:
    ``summary``, ``details`` and the ``language`` they were said in (None: triage reads it).
    What they were told: on a live call, when they hear from us next (``next_update_at``;
    outside business hours with ``after_hours_reason``)."""

    channel: str
    summary: str
    details: str = ""
    language: str | None = None
    patient: Patient | None = None
    caller_name: str = ""
    callback_number: str = ""
    contact_email: str = ""
    birth_date: date | None = None
    at: datetime | None = None
    inbound_id: int | None = None
    next_update_at: datetime | None = None
    after_hours_reason: str = ""

    @property
    def phone(self) -> str:
        return clean_phone(self.callback_number)

    @property
    def told(self) -> datetime | None:
        """The promise the caller was given: only a live call gives one."""
        return self.next_update_at if self.channel in lifecycle.LIVE_CHANNELS else None

    @property
    def words(self) -> str:
        return words_said(self.summary, self.details)


@dataclass(frozen=True)
class Filed:
    """What became of a contact: a new item, or an existing one it joined."""

    item: SupportItem
    created: bool
    repeat: bool
    reopened: bool = False


@transaction.atomic
def file_item(
    *,
    practice: Practice,
    actor: Actor,
    contact: Contact,
    category: Category | None = None,
    urgency: str | None = None,
    join: SupportItem | None = None,
    find_repeat: bool = False,
    take_ownership: bool = False,
    appointment: Appointment | None = None,
    auto_acknowledge: bool = False,
    suggestion: Suggestion | None = None,
) -> Filed:
    """Every door's way in: a contact becomes a new item, or joins the one it belongs to.

    First who it is from (``identify``: a household's number shared by several patients, or a
    name that is not the patient's, is not guessed — the item lists the patients to confirm)
    and triage's reading (category, urgency, language, red flag; ``suggestion`` when the caller
    read it before the transaction: reading is CPU only, and on SQLite the transaction holds
    the one write lock). Then three steps:

    1. **Join or create** (``_join``, ``_create``): the item ``join`` names; else with
       ``find_repeat`` the person's open item, or one resolved within the reopen window in the
       same category, which reopens (a repeat contact on its timeline); else a new item in the
       category chosen (else suggested), linked to ``appointment`` (a telehealth request of a
       known patient: their coming video visit, linked automatically) and, on a live call
       with a promise, acknowledged at the time of the call.
    2. **Own or route** (``_own_or_route``, new items only): the person logging it keeps it
       with ``take_ownership`` when they are on its team; else routing — and a red flag goes
       to the clinical team, whose responders are alerted. One urgency rule
       (``triage.urgency_for``) for every door.
    3. **After-hours answer** (``_answer_after_hours``, with ``auto_acknowledge``): urgent
       symptoms get the emergency notice at any hour; a new item received while the office is
       closed, the practice's automatic acknowledgement (not a first response).
    """
    contact, candidates = _identified(practice, contact)
    if suggestion is None:
        suggestion = triage.suggest(contact.summary, contact.details, language=contact.language)
    # The suggested category is read only when nobody chose one.
    suggested = triage.suggested_category(practice, suggestion) if category is None else None
    # 1. Join or create; 2. a new item is owned or routed as it is created (``_create``).
    target = join
    if target is None and find_repeat:
        target = _repeat_of(practice, contact, category=category, suggested=suggested)
    if target is not None:
        filed = _join(target, actor=actor, contact=contact, suggestion=suggestion)
    else:
        chosen = category or suggested
        if chosen is None:  # unreachable: without a chosen category the suggestion is read
            raise lifecycle.LifecycleError("bad_category", "No category for this contact.")
        item = _create(
            practice=practice, actor=actor, contact=contact, candidates=candidates,
            suggestion=suggestion, category=chosen, category_given=category is not None,
            urgency=urgency, appointment=appointment, take_ownership=take_ownership,
        )  # fmt: skip
        filed = Filed(item=item, created=True, repeat=False)
    if auto_acknowledge:  # 3. The after-hours answer.
        filed = _answer_after_hours(filed, urgent=suggestion.red_flag)
    return filed


def _identified(practice: Practice, contact: Contact) -> tuple[Contact, Sequence[int]]:
    """The contact with its patient when a door did not know them (``identify``), and the
    patients staff must choose from when the number or address is not one patient's."""
    if contact.patient is not None or not (contact.callback_number or contact.contact_email):
        return contact, ()
    patient, candidates = identify(
        practice,
        phone=contact.phone,
        email=contact.contact_email,
        name=contact.caller_name,
        birth_date=contact.birth_date,
    )
    return replace(contact, patient=patient), candidates


def _repeat_of(
    practice: Practice,
    contact: Contact,
    *,
    category: Category | None,
    suggested: Category | None,
) -> SupportItem | None:
    """The item a contact repeats (``item_to_join``); a suggested category other than
    "needs sorting" finds a resolved item to reopen."""
    return item_to_join(
        practice,
        patient=contact.patient,
        phone=contact.phone,
        email=contact.contact_email,
        category=category,
        reopen_category=(
            suggested
            if suggested is not None and suggested.code != triage.UNSORTED_CATEGORY
            else None
        ),
    )


def _create(
    *,
    practice: Practice,
    actor: Actor,
    contact: Contact,
    candidates: Sequence[int],
    suggestion: Suggestion,
    category: Category,
    category_given: bool,
    urgency: str | None,
    appointment: Appointment | None,
    take_ownership: bool,
) -> SupportItem:
    """A new item: stored, linked to its visit, acknowledged on a live call, owned or routed."""
    linked_automatically = False
    patient = contact.patient
    if appointment is None and category.code == TELEHEALTH_CATEGORY and patient is not None:
        # A telehealth request is about the patient's coming video visit: its deadline (before
        # the visit) and the metric apply from the start; staff unlink it if it is not.
        appointment = next_video_visit(patient.pk, timezone.now())
        linked_automatically = appointment is not None
    profile = staff_profile(actor) if take_ownership else None
    told = contact.told
    # Routed as it is written (one insert), unless something must come first: urgent symptoms
    # alert whoever answers them, a visit is linked, a live call is acknowledged.
    route_now = not suggestion.red_flag and appointment is None and told is None
    item = lifecycle.item_create(
        practice=practice, category=category, channel=contact.channel, actor=actor,
        summary=contact.summary[:300], details=contact.details, patient=patient,
        caller_name=contact.caller_name if patient is None else "",
        callback_number=contact.callback_number if patient is None else "",
        contact_email=contact.contact_email if patient is None else "",
        urgency=triage.urgency_for(suggestion, chosen=urgency, category_given=category_given),
        language=contact.language or suggestion.language, contact_at=contact.at,
        patient_candidates=candidates, inbound_id=contact.inbound_id,
        red_flag=suggestion.red_flag, suggestion=suggestion.as_dict(),
        assign=(
            (lambda new: triage.routed_at_intake(new, actor=actor, taking=profile))
            if route_now
            else None
        ),
    )  # fmt: skip
    if appointment is not None:
        item = lifecycle.item_link_appointment(
            item=item, actor=actor, appointment=appointment, automatic=linked_automatically
        )
    if told is not None:
        item = lifecycle.item_acknowledge(
            item=item, actor=actor, how=receipt_how(contact.channel), next_update_at=told,
            at=item.first_contact_at, after_hours_reason=contact.after_hours_reason,
        )  # fmt: skip
    return item if route_now else _own_or_route(item, actor=actor, profile=profile)


def _own_or_route(item: SupportItem, *, actor: Actor, profile: StaffProfile | None) -> SupportItem:
    """A new item not routed as it was written (``route_now``): the person logging it keeps
    it when they take it (``profile``) and are on its team — otherwise (not on its team, or a
    red flag for the clinical team) it is routed, and urgent symptoms alert the responders."""
    if profile is not None and profile.on_team(item.team):
        item = lifecycle.item_assign(
            item=item, actor=actor, owner=actor, team=item.team, reason="logged the contact"
        )
    return triage.after_intake(item, actor=actor)


def _answer_after_hours(filed: Filed, *, urgent: bool) -> Filed:
    """What a hook's sender hears at once: the emergency notice for urgent symptoms (new item
    or repeat), else for a new item received while the office is closed the automatic
    acknowledgement (``acknowledge_after_hours``)."""
    if urgent:
        send_emergency_notice(filed.item)
        return filed
    if not filed.created:
        return filed
    return replace(filed, item=acknowledge_after_hours(filed.item))


#: How a patient who wrote or left a message about urgent symptoms gets the emergency notice:
#: by text first (they may not be reading email), else by email.
EMERGENCY_NOTICE_BY: dict[str, tuple[str, ...]] = {
    Channel.VOICEMAIL: (ConsentChannel.SMS,),
    Channel.SMS: (ConsentChannel.SMS,),
    Channel.WEB_FORM: (ConsentChannel.SMS, ConsentChannel.EMAIL),
    Channel.EMAIL: (ConsentChannel.SMS, ConsentChannel.EMAIL),
}


def send_emergency_notice(item: SupportItem) -> OutboundMessage | None:
    """Urgent symptoms in a message (not a call, where staff read the script): the patient is
    sent the practice's emergency notice at once, at any hour — call 911 (or 988), the clinical
    team has been alerted — by text where their consent allows, else by email."""
    for channel in EMERGENCY_NOTICE_BY.get(item.channel, ()):
        try:
            return message_send(
                item=item, actor=None, channel=channel, purpose=MessagePurpose.EMERGENCY
            )
        except MessageRefused:
            continue  # no number or address, or opted out of this channel
    return None


#: The channels whose senders get the automatic acknowledgement after hours, and how.
AUTO_REPLY_CHANNEL: dict[str, str] = {
    Channel.VOICEMAIL: ConsentChannel.SMS,
    Channel.SMS: ConsentChannel.SMS,
    Channel.EMAIL: ConsentChannel.EMAIL,
}


def acknowledge_after_hours(item: SupportItem) -> SupportItem:
    """A voicemail, text or email received while the office is closed gets the practice's
    "received" message in the patient's language (consent and quiet hours respected): it
    confirms receipt and promises the first response, counted from the next opening."""
    practice = item.practice
    reply_by = AUTO_REPLY_CHANNEL.get(item.channel)
    if (
        reply_by is None
        or item.red_flag
        or not practice.auto_acknowledge
        or practice.calendar().is_open(item.first_contact_at)
    ):
        return item
    promise = item.first_response_due_at
    if promise <= timezone.now():
        return item
    try:
        message_send(
            item=item,
            actor=None,
            channel=reply_by,
            purpose=MessagePurpose.RECEIVED,
            next_update_at=promise,
        )
    except MessageRefused:
        return item  # no number or address, opted out, or no template: staff answer in hours
    item.refresh_from_db()
    return item


def words_said(summary: str, details: str) -> str:
    """What the patient said, once: the summary and the details, or the details alone when
    they begin with the summary (a text or a web form message is its own summary)."""
    summary, details = summary.strip(), details.strip()
    if not details:
        return summary
    if " ".join(details.split()).startswith(summary.rstrip("…").strip()):
        return details
    return f"{summary}\n\n{details}"


def _join(item: SupportItem, *, actor: Actor, contact: Contact, suggestion: Suggestion) -> Filed:
    """A contact about an item we already have: counted as a repeat with what the patient said,
    reopening it if it was resolved; the promise a live caller was given (``Contact.told``) is
    the item's from now on (outside business hours with its reason, as for a new item); urgent
    symptoms make it the clinical team's emergency."""
    told, after_hours_reason = contact.told, contact.after_hours_reason
    reopened = not item.is_open
    if reopened:
        # The loop was not closed after all.
        item = lifecycle.item_reopen(
            item=item, actor=actor, reason=contacted_again(contact.channel),
            next_update_at=told, after_hours_reason=after_hours_reason,
        )  # fmt: skip
    item = lifecycle.item_record_repeat_contact(
        item=item, actor=actor, channel=contact.channel, text=contact.words,
        inbound_id=contact.inbound_id, next_update_at=None if reopened else told,
        after_hours_reason=after_hours_reason,
    )  # fmt: skip
    item = triage.flag_repeat_contact(item, suggestion, actor=actor)
    return Filed(item=item, created=False, repeat=True, reopened=reopened)


@transaction.atomic
def intake_receive(
    *,
    practice: Practice,
    kind: str,
    external_id: str,
    channel: str,
    payload: dict[str, Any],
    summary: str,
    text: str = "",
    phone: str = "",
    email: str = "",
    caller_name: str = "",
    birth_date: date | None = None,
    category_code: str | None = None,
    language: str | None = None,
    reply_to: SupportItem | None = None,
    suggestion: Suggestion | None = None,
) -> IntakeResult:
    """File an inbound contact (a hook: voicemail, text, email, the web form) once: a
    provider's retry changes nothing. ``text`` is what the patient said or wrote; a door whose
    ``text`` is its own words (a missed call's status) gives triage's ``suggestion`` itself."""
    inbound, created = record_inbound(practice, kind, external_id, payload)
    if not created and inbound.item_id is not None:
        return IntakeResult(item=inbound.item, created=False, repeat=False, duplicate=True)  # type: ignore[arg-type]
    category = None
    if category_code:
        category = (
            Category.objects.for_practice(practice).active().filter(code=category_code).first()
        )
    filed = file_item(
        practice=practice,
        actor=None,
        contact=Contact(
            channel=channel,
            summary=summary,
            details=text,
            language=language,
            caller_name=caller_name,
            callback_number=phone,
            contact_email=email,
            birth_date=birth_date,
            inbound_id=inbound.pk,
        ),
        category=category,
        join=reply_to,
        find_repeat=True,
        auto_acknowledge=True,
        suggestion=suggestion,
    )
    inbound.item = filed.item
    inbound.save(update_fields=["item"])
    return IntakeResult(
        item=filed.item, created=filed.created, repeat=filed.repeat, duplicate=False
    )


def summary_from(text: str, fallback: str, *, limit: int = 120) -> str:
    """The first sentence-ish of what the patient said, for the queue's "needs" column."""
    words = " ".join(text.split())
    if not words:
        return fallback
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"
