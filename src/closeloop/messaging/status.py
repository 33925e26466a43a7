"""The patient sees the loop: a private status link per open item, and one question after it
closes.

**Status links.** When a practice enables them, texts and emails about an open item end with a
short link (``/s/<token>``): 128 random bits, of which only the SHA-256 is stored, so neither a
database read nor a guess yields a working link. A link works for ``LINK_DAYS`` and stops
``DAYS_AFTER_RESOLUTION`` after the item is resolved. The page shows only what is safe for
whoever holds the phone (``patient_view``): the practice's name and phone, the kind of request
(the category's name), "what we are doing now" from a fixed patient-safe phrase per category
and state (never staff's free text, never clinical details), the promised update time on the
practice's clock in the patient's language, and the owner's first name or the team.

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
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from closeloop.lib.phones import display_phone
from closeloop.messaging.models import BirthDateLock, MessagePurpose, RecoveryCheck, StatusLink
from closeloop.practices.local_time import for_patient
from closeloop.queue.models import OPEN_STATUSES, Status, SupportItem, WaitingOn

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


def link_for(token: str, now: datetime | None = None) -> StatusLink | None:
    """The working link for ``token``, or None (unknown, expired, revoked, or the item was
    resolved more than ``DAYS_AFTER_RESOLUTION`` ago)."""
    if not token or len(token) > 64:
        return None
    now = now or timezone.now()
    link = (
        StatusLink.objects.select_related(
            "item__practice", "item__category", "item__owner", "item__patient"
        )
        .filter(token_hash=_hash(token))
        .first()
    )
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    item = link.item
    if item.merged_into_id is not None:
        return None
    if item.status not in OPEN_STATUSES and (
        item.resolved_at is None or item.resolved_at + timedelta(days=DAYS_AFTER_RESOLUTION) <= now
    ):
        return None
    return link


def link_revoke_all(item: SupportItem) -> int:
    return StatusLink.objects.filter(item=item, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def with_link(item: SupportItem, body: str, purpose: str) -> str:
    """The message body with the status link appended, when the practice shows status pages
    and the message is about an open item (or asks the closing question)."""
    if not item.practice.status_links or purpose == MessagePurpose.EMERGENCY:
        return body
    if not item.is_open and purpose != MessagePurpose.CLOSURE_QUESTION:
        return body
    lead = LEADS.get(item.language, LEADS["en"])
    return f"{body.rstrip()} {lead} {link_url(link_create(item))}"


LEADS = {"en": "Your request:", "es": "Su solicitud:"}

# --- what the page may show ---------------------------------------------------------------------

#: What we are doing now, per category, for the patient: fixed wording, nothing clinical.
DOING: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "We are finding an appointment time for you.",
        "es": "Estamos buscando un horario de cita para usted.",
    },
    "new_patient_intake": {
        "en": "We are setting up your first visit with us.",
        "es": "Estamos preparando su primera visita con nosotros.",
    },
    "insurance_info": {
        "en": "We are checking your insurance information.",
        "es": "Estamos revisando la información de su seguro.",
    },
    "referral_document_status": {
        "en": "We are following up on your referral or documents.",
        "es": "Estamos dando seguimiento a su referido o documentos.",
    },
    "telehealth_access": {
        "en": "We are making sure your video visit works.",
        "es": "Estamos asegurándonos de que su cita por video funcione.",
    },
    "clinical_message": {
        "en": "A member of our clinical team is reviewing your message.",
        "es": "Un miembro de nuestro equipo clínico está revisando su mensaje.",
    },
    "complaint_review": {
        "en": "A supervisor is looking into what happened.",
        "es": "Un supervisor está revisando lo que pasó.",
    },
    "language_access": {
        "en": "We are arranging help in your language.",
        "es": "Estamos organizando ayuda en su idioma.",
    },
    "billing": {
        "en": "We are looking into your bill.",
        "es": "Estamos revisando su cuenta.",
    },
    "other": {
        "en": "We are working on your request.",
        "es": "Estamos trabajando en su solicitud.",
    },
}
#: The kind of request in Spanish (English pages use the practice's own category name).
KIND_ES = {
    "scheduling": "Citas",
    "new_patient_intake": "Registro de paciente nuevo",
    "insurance_info": "Información de seguro",
    "referral_document_status": "Referido o documentos",
    "telehealth_access": "Cita por video",
    "clinical_message": "Mensaje para el equipo clínico",
    "complaint_review": "Queja o comentario",
    "language_access": "Ayuda en su idioma",
    "billing": "Facturación",
    "other": "Otra solicitud",
}
STATE: dict[str, dict[str, str]] = {
    "new": {"en": "We received your request.", "es": "Recibimos su solicitud."},
    "waiting_" + WaitingOn.OTHER_OFFICE: {
        "en": "We are waiting to hear from another office.",
        "es": "Estamos esperando respuesta de otro consultorio.",
    },
    "waiting_" + WaitingOn.INSURER: {
        "en": "We are waiting to hear from your insurer.",
        "es": "Estamos esperando respuesta de su aseguradora.",
    },
    "waiting_" + WaitingOn.PROVIDER: {
        "en": "We are waiting to hear from the provider.",
        "es": "Estamos esperando respuesta del proveedor.",
    },
    "waiting_" + WaitingOn.PATIENT: {
        "en": "We are waiting to hear from you: please call us.",
        "es": "Estamos esperando su respuesta: por favor llámenos.",
    },
    "resolved": {"en": "Your request was resolved.", "es": "Su solicitud fue resuelta."},
}
TEAM_NAMES = {
    "en": {
        "support": "our patient support team",
        "front_desk": "our front desk",
        "clinical": "our clinical team",
        "supervisor": "a supervisor",
    },
    "es": {
        "support": "nuestro equipo de atención al paciente",
        "front_desk": "nuestra recepción",
        "clinical": "nuestro equipo clínico",
        "supervisor": "un supervisor",
    },
}


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


def patient_view(item: SupportItem, language: str | None = None) -> PatientView:
    language = language if language in ("en", "es") else item.language
    language = language if language in ("en", "es") else "en"
    code = item.category.code if item.category.code in DOING else "other"
    if item.is_clinical and code != "clinical_message":
        code = "clinical_message"  # a red flag filed under another category
    if item.status in (Status.RESOLVED, Status.CLOSED):
        state = STATE["resolved"][language]
    elif item.status == Status.WAITING and item.waiting_on:
        state = STATE.get("waiting_" + item.waiting_on, STATE["new"])[language]
    elif item.status == Status.NEW:
        state = STATE["new"][language]
    else:
        state = ""
    owner = item.owner.first_name if item.owner_id and item.owner and item.owner.first_name else ""
    team = TEAM_NAMES[language].get(item.team, TEAM_NAMES[language]["support"])
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
        request_kind=KIND_ES[code] if language == "es" else item.category.name,
        doing=DOING[code][language],
        state=state,
        promised=promised,
        who=owner or team,
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


# --- the closing question's state (asked in ``closure``) ------------------------------------------


def pending_check(item: SupportItem) -> RecoveryCheck | None:
    return (
        RecoveryCheck.objects.filter(item=item, answered_at__isnull=True)
        .order_by("-asked_at")
        .first()
    )
