"""Inbound webhooks: Twilio voicemail and SMS, forwarded email.

Nothing is stored unless the request proves where it came from: Twilio's X-Twilio-Signature
(validated with the ``twilio`` package) or the practice's email secret. Bad input is a 4xx
with a reason, never a 500, and never patient data in the logs.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import logging
import re
from email.message import EmailMessage, Message
from typing import cast

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from closeloop.intake import attachments, calls
from closeloop.intake.models import FileSource, InboundKind
from closeloop.intake.services import (
    IntakeResult,
    clean_phone,
    identify,
    intake_receive,
    item_to_join,
    record_inbound,
    summary_from,
)
from closeloop.intake.visit_replies import (
    Answered,
    answer_visit_confirmation,
    answer_visit_email,
)
from closeloop.lib import mailfrom
from closeloop.lib.ids import parse_id
from closeloop.messaging import closing_question
from closeloop.messaging.consent import consent_record, keyword
from closeloop.messaging.models import ConsentChannel, OutboundMessage
from closeloop.messaging.services import record_status
from closeloop.practices.models import Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, SupportItem
from closeloop.triage import services as triage

logger = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_EMAIL_BYTES = 2 * 1024 * 1024
#: Message-IDs Closeloop puts on its own notifications: <item-123.abc@closeloop>.
ITEM_THREAD_RE = re.compile(r"<item-(\d+)\.[^@>]*@closeloop[^>]*>")
SUBJECT_TAG_RE = re.compile(r"\[#(\d+)\]")
#: Parts within parts: real mail nests a few (a reply with a forwarded message, its
#: alternatives and attachments); the parser and ``get_body`` recurse once a level.
MAX_MIME_DEPTH = 20


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _twiml() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def _twilio_practice(request: HttpRequest, slug: str) -> Practice | JsonResponse:
    practice = get_object_or_404(Practice, slug=slug)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not practice.twilio_auth_token or not signature:
        return _error(403, "signature_missing", "X-Twilio-Signature is missing or not configured.")
    validator = RequestValidator(practice.twilio_auth_token)
    if not validator.validate(request.build_absolute_uri(), request.POST.dict(), signature):
        logger.warning("rejected Twilio webhook with a bad signature for practice %s", slug)
        return _error(403, "signature_invalid", "X-Twilio-Signature does not match.")
    return practice


@csrf_exempt
@require_POST
def twilio_voicemail(request: HttpRequest, slug: str) -> HttpResponse:
    """Recording and transcription callbacks; either may arrive first, each may be retried."""
    practice = _twilio_practice(request, slug)
    if isinstance(practice, HttpResponse):
        return practice
    data = request.POST
    recording_sid = data.get("RecordingSid", "").strip()
    if not recording_sid:
        return _error(400, "missing_field", "RecordingSid is required.")
    transcript = data.get("TranscriptionText", "").strip() if data.get("TranscriptionSid") else ""
    phone = clean_phone(data.get("From", ""))
    details = (
        f"Recording: {data.get('RecordingUrl', '(no URL)')} "
        f"({data.get('RecordingDuration', '?')} s)"
    )
    result = intake_receive(
        practice=practice,
        kind=InboundKind.TWILIO_RECORDING,
        external_id=recording_sid,
        channel=Channel.VOICEMAIL,
        payload=data.dict(),
        summary=summary_from(transcript, "Voicemail: listen to the recording"),
        text=details,
        phone=phone,
    )
    if transcript:
        _add_transcript(
            practice, data.get("TranscriptionSid", ""), result.item, transcript, data.dict()
        )
    return _twiml()


def _add_transcript(
    practice: Practice, sid: str, item: SupportItem, transcript: str, payload: dict[str, str]
) -> None:
    inbound, created = record_inbound(practice, InboundKind.TWILIO_TRANSCRIPTION, sid, payload)
    if not created:
        return
    item = lifecycle.item_add_note(
        item=item, actor=None, text=f"Voicemail transcript: {transcript}"
    )
    inbound.item = item
    inbound.save(update_fields=["item"])
    # The recording arrived first with nothing to triage; the words decide now.
    suggestion = triage.suggest(transcript)
    if suggestion.red_flag:
        triage.flag_repeat_contact(item, suggestion)
    elif item.category.code == "other" and suggestion.category != "other" and item.is_open:
        category = triage.suggested_category(practice, suggestion)
        item = lifecycle.item_categorize(
            item=item,
            actor=None,
            category=category,
            urgency=suggestion.urgency,
            language=suggestion.language,
        )
        if item.owner_id is None:
            triage.after_intake(item)


@csrf_exempt
@require_POST
def twilio_sms(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _twilio_practice(request, slug)
    if isinstance(practice, HttpResponse):
        return practice
    data = request.POST
    sid = data.get("MessageSid", "").strip()
    body = data.get("Body", "").strip()
    if not sid:
        return _error(400, "missing_field", "MessageSid is required.")
    try:
        media = attachments.mms_media(data.dict())
    except attachments.BadMedia as refused:
        return _error(400, "bad_media", str(refused))
    phone = clean_phone(data.get("From", ""))
    opted_in = keyword(body)
    # A reply to a visit confirmation first: a bare CANCEL is also the carrier's opt-out,
    # recorded as well (the carrier stops our texts to the number either way).
    answered = (
        answer_visit_confirmation(practice, sid, phone, body, data.dict())
        if phone and not media
        else None
    )
    if answered is not None and opted_in is not None:
        consent_record(
            practice=practice, channel=ConsentChannel.SMS, address=phone, opted_in=opted_in,
            source="inbound_sms",
        )  # fmt: skip
    if answered is not None:
        return _twiml()
    if opted_in is not None and phone:  # STOP with a picture still stops
        _record_sms_consent(practice, sid, phone, opted_in, data.dict())
        return _twiml()
    # A picture is a contact of its own, never an answer to "Did we resolve your request?".
    if phone and not media and _answers_closing_question(practice, sid, phone, body, data.dict()):
        return _twiml()
    with transaction.atomic():
        result = intake_receive(
            practice=practice,
            kind=InboundKind.TWILIO_SMS,
            external_id=sid,
            channel=Channel.SMS,
            payload=data.dict(),
            summary=summary_from(body, "Picture message" if media else "Text message"),
            text=body,
            phone=phone,
        )
        if media:
            # Fetched by a task (the pictures stay with Twilio until then): the hook answers
            # within Twilio's timeout however large they are.
            attachments.files_expect(
                practice=practice,
                item=result.item,
                kind=InboundKind.TWILIO_SMS,
                external_id=sid,
                media=media,
            )
    return _twiml()


def _answers_closing_question(
    practice: Practice, sid: str, phone: str, body: str, payload: dict[str, str]
) -> bool:
    """ "YES" / "NO, …" from a patient we asked "Did we resolve your request?": recorded once
    (a provider's retry changes nothing); anything else is filed as a contact."""
    with transaction.atomic():
        inbound, created = record_inbound(practice, InboundKind.TWILIO_SMS, sid, payload)
        if not created:
            return False  # a retry: intake_receive recognises it
        check = closing_question.answer_from_text(practice, phone, body)
        if check is None:
            transaction.set_rollback(True)
            return False
        inbound.item_id = check.item_id
        inbound.save(update_fields=["item"])
        return True


def _record_sms_consent(
    practice: Practice, sid: str, phone: str, opted_in: bool, payload: dict[str, str]
) -> None:
    """STOP / PARAR / START: change consent (once per message), note it on any open item."""
    with transaction.atomic():
        inbound, created = record_inbound(practice, InboundKind.TWILIO_SMS, sid, payload)
        if not created:
            return
        consent_record(
            practice=practice,
            channel=ConsentChannel.SMS,
            address=phone,
            opted_in=opted_in,
            source="inbound_sms",
        )
        patient, _ = identify(practice, phone=phone)
        item = item_to_join(practice, patient=patient, phone=phone)
        if item is not None:
            what = "opted back in to" if opted_in else "opted out of"
            item = lifecycle.item_add_note(
                item=item, actor=None, text=f"The patient {what} text messages from this number."
            )
            inbound.item = item
            inbound.save(update_fields=["item"])


class Unreadable(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _raw(message: Message, name: str) -> list[str]:
    """A header's values as they came, never through the policy's structured parser (which
    raises IndexError, UnboundLocalError or RecursionError on hostile values)."""
    return [value for key, value in message.raw_items() if key.lower() == name.lower()]


def _parsed(raw: bytes) -> EmailMessage | JsonResponse:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except RecursionError:  # the parser recurses once per nested part, and in Content-Type
        return _error(
            400, "too_deep", "The message nests parts or header comments too deeply to read."
        )
    if not isinstance(message, EmailMessage):
        return _error(400, "malformed_message", "The body is not an RFC 822 message.")
    if _mime_depth(message) > MAX_MIME_DEPTH:
        return _too_deep()
    return message


#: The headers ``get_body`` and ``get_content`` read through the structured parser.
_BODY_HEADERS = ("Content-Type", "Content-Disposition", "Content-Transfer-Encoding")
#: What the stdlib's header parser raises on values it cannot read.
_PARSER_ERRORS = (RecursionError, IndexError, UnboundLocalError, ValueError, AttributeError)


def _check_body_headers(message: EmailMessage) -> None:
    for part in message.walk():  # depth already bounded by _mime_depth
        for name in _BODY_HEADERS:
            if any(
                mailfrom.comment_depth(v) > mailfrom.MAX_COMMENT_DEPTH for v in _raw(part, name)
            ):
                raise Unreadable(
                    f"A {name} header nests comments more than "
                    f"{mailfrom.MAX_COMMENT_DEPTH} levels deep."
                )


def _email_text(message: EmailMessage) -> str:
    """The plain (or HTML) text; ``Unreadable`` when the parts' headers cannot be read."""
    _check_body_headers(message)
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown charset, undecodable text
        return ""
    except _PARSER_ERRORS as exc:
        raise Unreadable(f"A {' or '.join(_BODY_HEADERS)} header could not be read.") from exc
    if part.get_content_subtype() == "html":
        content = re.sub(r"<[^>]+>", " ", content)
    return content.strip()


def known_addresses(item: SupportItem) -> set[str]:
    """The email addresses that speak for an item's patient: the patient's, the one the
    contact came from, and any we wrote to about it."""
    addresses = {item.contact_email}
    if item.patient is not None:
        addresses.add(item.patient.email)
    addresses.update(
        OutboundMessage.objects.filter(item=item, channel=ConsentChannel.EMAIL).values_list(
            "to", flat=True
        )
    )
    return {a.strip().lower() for a in addresses if a}


def _thread_item(practice: Practice, message: EmailMessage, sender: str) -> SupportItem | None:
    """The item a reply belongs to (its thread headers or a ``[#id]`` subject tag) — only when
    the sender speaks for that item's patient. Anyone else writing "[#5]" files a new item:
    a tag is not a key to another patient's request."""
    references = " ".join(_raw(message, "In-Reply-To") + _raw(message, "References"))
    subject = mailfrom.text(_raw(message, "Subject"))
    match = ITEM_THREAD_RE.search(references) or SUBJECT_TAG_RE.search(subject)
    if not match:
        return None
    item_id = parse_id(match.group(1))
    if item_id is None:
        return None
    item = (
        SupportItem.objects.for_practice(practice)
        .select_related("patient")
        .filter(pk=item_id)
        .first()
    )
    if item is None or sender.strip().lower() not in known_addresses(item):
        return None
    return item


def _too_deep() -> JsonResponse:
    return _error(
        400, "too_deep", f"The message nests parts more than {MAX_MIME_DEPTH} levels deep."
    )


def _mime_depth(message: EmailMessage) -> int:
    """How deep its parts nest, counted with a list (no recursion, however deep)."""
    deepest, stack = 0, [(cast(Message, message), 1)]
    while stack:
        part, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_MIME_DEPTH:
            return depth
        if part.is_multipart():
            children = cast(list[Message], part.get_payload())
            stack.extend((child, depth + 1) for child in children)
    return deepest


@csrf_exempt
@require_POST
def email_hook(request: HttpRequest, slug: str) -> HttpResponse:
    """A raw RFC 822 message, as mail providers forward them, behind the practice's secret."""
    practice = get_object_or_404(Practice, slug=slug)
    secret = request.headers.get("X-Closeloop-Secret", "")
    if not practice.inbound_email_secret or not hmac.compare_digest(
        secret.encode(), practice.inbound_email_secret.encode()
    ):
        return _error(403, "secret_invalid", "X-Closeloop-Secret is missing or wrong.")
    raw = request.body
    if not raw.strip():
        return _error(400, "empty_message", "The request body must be a raw email message.")
    if len(raw) > MAX_EMAIL_BYTES:
        return _error(413, "message_too_large", "Messages over 2 MB are not accepted.")
    message = _parsed(raw)
    if isinstance(message, JsonResponse):
        return message
    froms = _raw(message, "From")
    if not froms:
        return _error(400, "missing_sender", "The message has no From header.")
    try:
        name, address = mailfrom.sender(froms)
        text = _email_text(message)
        files = _email_files(message)
    except mailfrom.BadSender as refused:
        return _error(400, "bad_sender", refused.message)
    except Unreadable as refused:
        return _error(400, "unreadable_header", refused.message)
    subject = mailfrom.text(_raw(message, "Subject"))
    # A garbled Message-ID counts as none: as a retry key it would fold two emails into one.
    message_id = mailfrom.message_id(_raw(message, "Message-ID")) or hashlib.sha256(raw).hexdigest()
    payload = {"from": address, "subject": subject, "raw": raw[:65536].decode("utf-8", "replace")}
    answered = (
        None if files else _answers_visit(practice, message, address, text, message_id, payload)
    )
    if answered is not None:
        return JsonResponse(
            {"item": answered.item_id, "repeat": False, "visit_reply": answered.kind},
            status=200 if answered.duplicate else 201,
        )
    with transaction.atomic():
        result = _email_receive(
            practice, message, payload, address, name, subject, text, message_id
        )
        if files and not result.duplicate:
            attachments.files_receive(
                practice=practice,
                item=result.item,
                kind=InboundKind.EMAIL,
                external_id=message_id[:255],
                source=FileSource.EMAIL,
                parts=files,
            )
    status = 200 if result.duplicate else 201
    return JsonResponse({"item": result.item.pk, "repeat": result.repeat}, status=status)


def _answers_visit(
    practice: Practice,
    message: EmailMessage,
    address: str,
    text: str,
    message_id: str,
    payload: dict[str, str],
) -> Answered | None:
    """A reply to an emailed visit confirmation (``visit_replies``); never a reply in an
    item's thread, which is about that item ("Yes" to "Did we resolve your request?")."""
    references = " ".join(_raw(message, "In-Reply-To") + _raw(message, "References"))
    if ITEM_THREAD_RE.search(references):
        return None
    return answer_visit_email(
        practice, message_id=message_id[:255], address=address, text=text,
        references=references, payload=payload,
    )  # fmt: skip


def _email_receive(
    practice: Practice,
    message: EmailMessage,
    payload: dict[str, str],
    address: str,
    name: str,
    subject: str,
    text: str,
    message_id: str,
) -> IntakeResult:
    return intake_receive(
        practice=practice,
        kind=InboundKind.EMAIL,
        external_id=message_id[:255],
        channel=Channel.EMAIL,
        payload=payload,
        summary=summary_from(subject or text, "Email"),
        text=text,
        email=address.lower(),
        caller_name=name,
        reply_to=_thread_item(practice, message, address),
    )


def _email_files(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    """The message's attached files (name, declared type, bytes), whatever they claim to be:
    ``intake.attachments`` keeps pictures and PDFs and notes the others on the timeline."""
    files = []
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        for part in message.walk():  # depth already bounded by _mime_depth
            if part.is_multipart() or part is body:
                continue
            disposition = part.get_content_disposition()
            if disposition != "attachment" and part.get_content_maintype() == "text":
                continue  # an alternative body, not a file
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            files.append((part.get_filename() or "", part.get_content_type(), data))
    except (LookupError, *_PARSER_ERRORS) as exc:
        raise Unreadable("An attachment's headers could not be read.") from exc
    return files


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Delivery status callbacks for texts we sent: the message row records the outcome."""
    practice = _twilio_practice(request, slug)
    if isinstance(practice, HttpResponse):
        return practice
    sid = request.POST.get("MessageSid", "").strip()
    status = request.POST.get("MessageStatus", "").strip()
    if not sid or not status:
        return _error(400, "missing_field", "MessageSid and MessageStatus are required.")
    record_status(practice, sid, status, request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_call_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Voice status callbacks: an inbound call that ended without an answer or a voicemail is a
    missed call (``intake.calls``); every other call is acknowledged and ignored."""
    practice = _twilio_practice(request, slug)
    if isinstance(practice, HttpResponse):
        return practice
    data = request.POST
    sid, status = data.get("CallSid", "").strip(), data.get("CallStatus", "").strip()
    if not sid or not status:
        return _error(400, "missing_field", "CallSid and CallStatus are required.")
    if status not in calls.CALL_STATUSES:
        return _error(400, "bad_status", "CallStatus is not one of Twilio's call statuses.")
    if data.get("DialCallStatus", "") and data["DialCallStatus"] not in calls.DIAL_STATUSES:
        return _error(400, "bad_status", "DialCallStatus is not one of Twilio's dial statuses.")
    queue_time = data.get("QueueTime", "").strip()
    if queue_time and not (queue_time.isascii() and queue_time.isdigit()):
        return _error(400, "bad_queue_time", "QueueTime must be a whole number of seconds.")
    if calls.was_missed(data.dict()):
        calls.call_missed(
            practice=practice,
            call_sid=sid,
            status=calls.how_missed(data.dict()),
            phone=clean_phone(data.get("From", "")),
            payload=data.dict(),
            hold_seconds=int(queue_time) if queue_time else None,
        )
    # Empty TwiML, not a bare 204: as the <Enqueue action> or <Dial action> URL the answer is
    # read as TwiML (it ends the call cleanly); a status callback's answer is ignored.
    return _twiml()
