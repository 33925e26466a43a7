"""The patient sees the loop: a private status link per open item, and one question after it
closes.

**Status links.** When a practice enables them, texts and emails about an open item end with a
short link (``/s/<token>``): 128 random bits, of which only the SHA-256 is stored, so neither a
database read nor a guess yields a working link. A link works for ``LINK_DAYS`` and stops
``DAYS_AFTER_RESOLUTION`` after the item is resolved, or until staff turn the item's links off
(``links_revoke``); an ended link's page gives only the practice's phone. The page shows only
what is safe for whoever holds the phone (``patient_view``): the practice's name and phone,
the kind of request (the category's name for patients, as the practice wrote it in Settings),
"what we are doing now" from a fixed patient-safe phrase per category and state (never
staff's free text, never clinical details), the promised update time on the practice's clock in
the patient's language, and who answers (``who_answers``: named alike in the scripts).

**One question after closure.** After a resolution the patient confirmed, a practice may ask
once, in the patient's language, "Did we resolve your request?" (never for clinical items or a
patient with an open complaint; consent and quiet hours as for every text). A "No" reopens the
item for its owner with the comment and counts as a failed recovery; with the question on,
only a "Yes" makes the patient eligible for a review request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from closeloop.core.languages import SOURCE, patient_languages
from closeloop.core.types import Actor
from closeloop.lib.phones import display_phone
from closeloop.messaging import wording
from closeloop.messaging.models import BirthDateLock, MessagePurpose, RecoveryCheck, StatusLink
from closeloop.practices import default_scripts
from closeloop.practices.local_time import for_patient
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.support_queue import lifecycle
from closeloop.support_queue.item_writes import LifecycleError, require_text
from closeloop.support_queue.models import OPEN_STATUSES, Status, SupportItem

LINK_DAYS = 30
DAYS_AFTER_RESOLUTION = 7
#: Failed date-of-birth checks before a patient's links are locked, and for how long.
MAX_FAILED_CHECKS = 5
LOCK = timedelta(hours=1)
REPLY_LIMIT = 1000

# --- links ---------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(item: SupportItem, now: datetime | None = None) -> str:
    """A new link to ``item``'s status page; returns its token (shown once, never stored)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(16)
    StatusLink.objects.create(
        item=item,
        practice=item.practice,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    return token


def link_url(token: str) -> str:
    return f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/s/{token}"


def link_found(token: str) -> StatusLink | None:
    """The link ``token`` names, working or not (None: no such link). An expired or revoked
    link still names its item: its page speaks the patient's language and gives the
    practice's phone (``link_ended``); an unknown token reveals nothing."""
    if not token or len(token) > 64:
        return None
    return (
        StatusLink.objects.select_related(
            "item__practice", "item__category", "item__owner", "item__patient"
        )
        .filter(token_hash=_hash(token))
        .first()
    )


def link_ended(link: StatusLink, now: datetime | None = None) -> str:
    """Why ``link`` no longer works: "revoked", "expired" (its days ran out, the item was
    merged, or resolved more than ``DAYS_AFTER_RESOLUTION`` ago), or "" while it works."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return "revoked"
    item = link.item
    if link.expires_at <= now or item.merged_into_id is not None:
        return "expired"
    if item.status not in OPEN_STATUSES and (
        item.resolved_at is None or item.resolved_at + timedelta(days=DAYS_AFTER_RESOLUTION) <= now
    ):
        return "expired"
    return ""


def link_for(token: str, now: datetime | None = None) -> StatusLink | None:
    """The working link for ``token``, or None (unknown, expired, revoked, or the item was
    resolved more than ``DAYS_AFTER_RESOLUTION`` ago)."""
    link = link_found(token)
    return link if link is not None and not link_ended(link, now) else None


def link_revoke_all(item: SupportItem) -> int:
    return StatusLink.objects.filter(item=item, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def links_revoke(*, item: SupportItem, actor: Actor, reason: str, confirm: bool) -> SupportItem:
    """Staff turn off every status link sent for ``item`` (a lost phone, a shared inbox, the
    wrong number): each stops working at once, and whoever opens one is asked to call the
    practice. Audited, and on the timeline with the reason; later messages carry new links."""
    if not confirm:
        raise LifecycleError(
            "confirm_required", "Tick the box to confirm: every link sent so far stops working."
        )
    require_text(reason, "why")
    count = link_revoke_all(item)
    audit.record(
        AuditAction.UPDATE,
        item,
        fields=["status_links"],
        detail={"status_links_revoked": count},
        user=actor,
    )
    return lifecycle.item_record_links_revoked(item=item, actor=actor, count=count, reason=reason)


def with_link(item: SupportItem, body: str, purpose: str, language: str) -> str:
    """The message body with the status link appended, when the practice shows status pages
    and the message is about an open item (or asks the closing question)."""
    if not item.practice.status_links or purpose == MessagePurpose.EMERGENCY:
        return body
    if not item.is_open and purpose != MessagePurpose.CLOSURE_QUESTION:
        return body
    lead = wording.LINK_LEAD.said_in(language)
    return f"{body.rstrip()} {lead} {link_url(link_create(item))}"


# --- what the page may show ---------------------------------------------------------------------


def who_answers(item: SupportItem, language: str) -> str:
    """Who the patient hears from, named alike in the scripts, the status page and every
    message: the owner's first name, else who will answer for the category ("our billing
    team"; the clinical team for urgent symptoms filed under another category)."""
    if item.owner_id and item.owner and item.owner.first_name:
        return item.owner.first_name
    return default_scripts.who(
        "clinical_message" if item.is_clinical else item.category.code, language
    )


@dataclass(frozen=True)
class PatientView:
    """Everything the status page shows: nothing else about the item leaves the server."""

    language: str
    practice_name: str
    practice_phone: str
    phone_href: str
    request_kind: str
    doing: str
    state: str
    promised: str
    who: str
    is_open: bool
    asks_question: bool


def _state(item: SupportItem) -> str:
    if item.status in (Status.RESOLVED, Status.CLOSED):
        return "resolved"
    if item.status == Status.WAITING and item.waiting_on:
        return "waiting_" + item.waiting_on
    return "new" if item.status == Status.NEW else ""


def patient_view(item: SupportItem, language: str | None = None) -> PatientView:
    languages = patient_languages()
    language = language if language in languages else item.language
    language = language if language in languages else SOURCE
    code = item.category.code if item.category.code in wording.DOING else "other"
    if item.is_clinical and code != "clinical_message":
        code = "clinical_message"  # a red flag filed under another category
    state = wording.STATE.get(_state(item))
    promised = (
        for_patient(item.practice, item.promised_update_at, language)
        if item.is_open and item.promised_update_at and item.promised_update_at > timezone.now()
        else ""
    )
    return PatientView(
        language=language,
        practice_name=item.practice.name,
        practice_phone=display_phone(item.practice.phone) or item.practice.phone,
        phone_href=item.practice.phone,
        request_kind=item.category.name_for_patients(language)
        or default_scripts.PATIENT_NAMES["other"].said_in(language),
        doing=wording.DOING[code].said_in(language),
        state=state.said_in(language) if state else "",
        promised=promised,
        who=who_answers(item, language),
        is_open=item.is_open,
        asks_question=pending_check(item) is not None,
    )


# --- the patient's reply on the page -----------------------------------------------------------


class ReplyRefused(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_birth_date(link: StatusLink, given: Any, now: datetime | None = None) -> None:
    """The patient's date of birth must match. Failures count per patient, across all their
    links, and lock them all for ``LOCK`` after ``MAX_FAILED_CHECKS``. Each guess takes its
    turn in one conditional update before it is compared (the count never read and written
    back), so guesses racing on several connections never get more than the limit evaluated;
    a match starts the count again."""
    now = now or timezone.now()
    patient = link.item.patient
    if patient is None:
        raise ReplyRefused("birth_date")  # nobody's date of birth to compare with
    lock, _ = BirthDateLock.objects.get_or_create(patient=patient)
    expired = Q(locked_until__lte=now)
    turn = BirthDateLock.objects.filter(Q(locked_until__isnull=True) | expired, pk=lock.pk)
    if not turn.update(
        # A lock that ran out starts a new count; the guess that reaches the limit locks.
        failed=Case(When(expired, then=Value(1)), default=F("failed") + 1),
        locked_until=Case(
            When(
                locked_until__isnull=True, failed__gte=MAX_FAILED_CHECKS - 1, then=Value(now + LOCK)
            ),
            default=Value(None),
        ),
    ):
        raise ReplyRefused("locked")
    if patient.date_of_birth is not None and given == patient.date_of_birth:
        BirthDateLock.objects.filter(pk=lock.pk).update(failed=0, locked_until=None)
        return
    locked = BirthDateLock.objects.filter(pk=lock.pk, locked_until__gt=now).exists()
    raise ReplyRefused("locked" if locked else "birth_date")


def record_view(link: StatusLink, now: datetime | None = None) -> None:
    StatusLink.objects.filter(pk=link.pk).update(
        views=F("views") + 1, last_viewed_at=now or timezone.now()
    )


# --- the closing question's state (asked in ``closing_question``) ------------------------------


def pending_check(item: SupportItem) -> RecoveryCheck | None:
    return (
        RecoveryCheck.objects.filter(item=item, answered_at__isnull=True)
        .order_by("-asked_at")
        .first()
    )
