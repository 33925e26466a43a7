"""Every inbound contact becomes (or joins) exactly one item.

The rules: a provider's retry changes nothing (``InboundMessage`` is unique per provider id); a
patient who already has an open item in the same category, or any open item updated in the last
14 days when the category is not known, gets a repeat contact on that item instead of a new one;
a number or address that matches several patients is not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from closeloop.intake.models import InboundMessage
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.models import Category, Practice
from closeloop.queue import lifecycle
from closeloop.queue.models import SupportItem
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


def open_item_for_repeat(
    practice: Practice,
    *,
    patient: Patient | None,
    phone: str = "",
    email: str = "",
    category: Category | None = None,
    now: datetime | None = None,
) -> SupportItem | None:
    """The open item a new contact from this person belongs to, if there is one."""
    if patient is not None:
        who = Q(patient=patient)
    elif phone:
        who = Q(callback_number=phone) | Q(patient__phone=phone) | Q(patient__alt_phone=phone)
    elif email:
        who = Q(patient__email__iexact=email) | Q(contact_email__iexact=email)
    else:
        return None
    items = SupportItem.objects.for_practice(practice).open().filter(who)
    if category is not None:
        items = items.filter(category=category)
    else:
        items = items.filter(updated_at__gte=(now or timezone.now()) - REPEAT_WINDOW)
    return items.order_by("-updated_at", "-id").first()


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
    category_code: str | None = None,
    language: str | None = None,
    reply_to: SupportItem | None = None,
) -> IntakeResult:
    """File an inbound contact once. ``text`` is what the patient said or wrote."""
    inbound, created = record_inbound(practice, kind, external_id, payload)
    if not created and inbound.item_id is not None:
        return IntakeResult(item=inbound.item, created=False, repeat=False, duplicate=True)  # type: ignore[arg-type]
    patients = match_patients(practice, phone=phone, email=email)
    patient = patients[0] if len(patients) == 1 else None
    suggestion = triage.suggest(summary, text, language=language)
    category = None
    if category_code:
        category = (
            Category.objects.for_practice(practice).active().filter(code=category_code).first()
        )
    item = reply_to or open_item_for_repeat(
        practice, patient=patient, phone=phone, email=email, category=category
    )
    if item is not None and not item.is_open:
        # A reply on a resolved item's thread: the loop was not closed after all.
        item = lifecycle.item_reopen(item=item, actor=None, reason="The patient wrote again.")
    if item is not None:
        item = lifecycle.item_record_repeat_contact(
            item=item, actor=None, channel=channel, text=text, inbound_id=inbound.pk
        )
        item = triage.flag_repeat_contact(item, suggestion)
        repeat, filed = True, False
    else:
        item = lifecycle.item_create(
            practice=practice,
            category=category or triage.suggested_category(practice, suggestion),
            channel=channel,
            actor=None,
            summary=summary[:300],
            details=text,
            patient=patient,
            caller_name=caller_name if patient is None else "",
            callback_number=phone if patient is None else "",
            contact_email=email if patient is None else "",
            language=language or suggestion.language,
            urgency=suggestion.urgency if suggestion.red_flag or category is None else None,
            patient_candidates=[p.pk for p in patients] if len(patients) > 1 else [],
            inbound_id=inbound.pk,
            red_flag=suggestion.red_flag,
            suggestion=suggestion.as_dict(),
        )
        item = triage.after_intake(item)
        repeat, filed = False, True
    inbound.item = item
    inbound.save(update_fields=["item"])
    return IntakeResult(item=item, created=filed, repeat=repeat, duplicate=False)


def summary_from(text: str, fallback: str, *, limit: int = 120) -> str:
    """The first sentence-ish of what the patient said, for the queue's "needs" column."""
    words = " ".join(text.split())
    if not words:
        return fallback
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"
