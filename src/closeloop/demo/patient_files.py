"""Demo: a patient texts a photo of their insurance card to an insurance item, and two callers
nobody answered get their text-backs (issue 33 #3, #4). Everything goes through the same code as
the hooks (``intake.attachments``, ``intake.calls``); the card is a synthetic picture drawn
here (coloured bands and grey bars where a card has words), never a real card."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta

import time_machine
from django.db import transaction

from closeloop.intake import attachments, calls
from closeloop.intake.models import FileSource, InboundKind
from closeloop.intake.services import intake_receive, item_to_join
from closeloop.patients.models import Patient
from closeloop.practices.defaults import INSURANCE_CATEGORY
from closeloop.practices.models import Category, Practice
from closeloop.support_queue.models import OPEN_STATUSES, Channel, SupportItem

#: Card size in pixels and its colours (RGB).
CARD_W, CARD_H = 320, 200
WHITE, BLUE, GREY, LIGHT = (250, 250, 247), (31, 78, 140), (150, 150, 150), (220, 228, 240)


def _box(x: int, y: int, w: int, h: int, colour: tuple[int, int, int]) -> tuple[int, ...]:
    return (x, y, x + w, y + h, *colour)


#: What is drawn on the card: the payer band, a logo square, the member lines, a footer band.
CARD_SHAPES = [
    _box(0, 0, CARD_W, 44, BLUE),
    _box(14, 10, 24, 24, WHITE),
    _box(48, 16, 120, 12, LIGHT),
    _box(16, 64, 90, 8, GREY),
    _box(16, 80, 180, 12, BLUE),
    _box(16, 106, 70, 8, GREY),
    _box(16, 122, 140, 12, BLUE),
    _box(200, 106, 60, 8, GREY),
    _box(200, 122, 90, 12, BLUE),
    _box(0, CARD_H - 30, CARD_W, 30, LIGHT),
    _box(16, CARD_H - 20, 200, 8, GREY),
]


def card_png() -> bytes:
    """A synthetic insurance card as a PNG (pure Python: zlib and struct)."""
    rows = []
    for y in range(CARD_H):
        row = bytearray()
        for x in range(CARD_W):
            colour = WHITE
            for x0, y0, x1, y1, *rgb in CARD_SHAPES:
                if x0 <= x < x1 and y0 <= y < y1:
                    colour = (rgb[0], rgb[1], rgb[2])
            row += bytes(colour)
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", CARD_W, CARD_H, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _last_open_moment(practice: Practice, now: datetime, before: timedelta) -> datetime:
    """The latest moment at least ``before`` ago when the office was open (a call then gets
    the "we will call you back" text, not the after-hours one)."""
    calendar = practice.calendar()
    moment = now - before
    for _ in range(24 * 7 * 4):
        around = (moment - timedelta(minutes=30), moment, moment + timedelta(minutes=30))
        if all(calendar.is_open(at) for at in around):
            return moment
        moment -= timedelta(minutes=15)
    return now - before


def _card_item(practice: Practice) -> SupportItem | None:
    return (
        SupportItem.objects.filter(
            practice=practice,
            category__code=INSURANCE_CATEGORY,
            status__in=OPEN_STATUSES,
            patient__isnull=False,
            red_flag=False,
        )
        .exclude(patient__phone="")
        .order_by("-first_contact_at")
        .first()
    )


def card_photo(practice: Practice) -> SupportItem | None:
    """The patient of the newest open insurance item texts the card's photo to it; with none
    open (a well-run week), a patient with nothing open texts it as a new insurance request."""
    item = _card_item(practice)
    patient = item.patient if item is not None else _card_patient(practice)
    if patient is None:
        return None
    sid = f"MMDEMO{patient.pk:026d}"
    with transaction.atomic():
        result = intake_receive(
            practice=practice, kind=InboundKind.TWILIO_SMS, external_id=sid,
            channel=Channel.SMS, payload={"MessageSid": sid, "NumMedia": "1"},
            summary="Picture message", text="Here is my new insurance card.",
            phone=patient.phone, reply_to=item,
            category_code=None if item is not None else INSURANCE_CATEGORY,
        )  # fmt: skip
        attachments.files_receive(
            practice=practice, item=result.item, kind=InboundKind.TWILIO_SMS, external_id=sid,
            source=FileSource.MMS, parts=[("card.png", "image/jpeg", card_png())],
        )  # fmt: skip
    return result.item


def _card_patient(practice: Practice) -> Patient | None:
    """A patient with nothing open whose card would start a new insurance request: not one
    with an insurance item resolved within the reopen window, which the text would reopen for
    its owner whatever their load (intake's rule, ``item_to_join``) — the demo's front desk
    ended a fresh start one item over its cap that way."""
    insurance = Category.objects.get(practice=practice, code=INSURANCE_CATEGORY)
    idle = (
        Patient.objects.filter(practice=practice)
        .exclude(phone="")
        .exclude(items__status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    return next(
        (
            p
            for p in idle.iterator()
            if item_to_join(practice, patient=p, category=insurance) is None
        ),
        None,
    )


def _unknown_number(practice: Practice) -> str:
    """A fictional number (555-01XX) no patient or item of the practice has."""
    for area in ("872", "224", "331", "779"):
        for line in range(199, 99, -1):
            phone = f"+1{area}55501{line - 100:02d}"
            known = Patient.objects.filter(practice=practice, phone=phone).exists()
            if not known and not SupportItem.objects.filter(callback_number=phone).exists():
                return phone
    return "+18725550199"


def missed_calls(practice: Practice, now: datetime) -> list[SupportItem]:
    """Two callers nobody answered, both texted back: a Spanish-speaking patient who hung up
    after waiting in the queue, and a caller we do not know whose forwarded call rang out."""
    Practice.objects.filter(pk=practice.pk).update(missed_call_text_back=True)
    practice.missed_call_text_back = True
    spanish = (
        Patient.objects.filter(practice=practice, preferred_language="es")
        .exclude(phone="")
        .exclude(items__status__in=OPEN_STATUSES)
        .order_by("pk")
        .first()
    )
    filed = []
    # The latest half hour of the office's day that is at least 20 minutes past: the calls came
    # then, 25 minutes apart (their texts promise a call back by the first-response target).
    second = _last_open_moment(practice, now, timedelta(minutes=20))
    callers = [
        (spanish.phone if spanish else _unknown_number(practice), "completed",
         {"QueueResult": "hangup", "QueueTime": "184"}, second - timedelta(minutes=25)),
        (_unknown_number(practice), "completed",
         {"DialCallStatus": "no-answer", "DialCallDuration": "0"}, second),
    ]  # fmt: skip
    for n, (phone, status, extra, at) in enumerate(callers):
        sid = f"CADEMO{practice.pk:04d}{n:022d}"
        params = {"CallSid": sid, "From": phone, "To": practice.phone, "CallStatus": status,
                  "Direction": "inbound", **extra}  # fmt: skip
        with time_machine.travel(at, tick=False):
            result = calls.call_missed(
                practice=practice, call_sid=sid, status=calls.how_missed(params), phone=phone,
                payload=params, hold_seconds=int(extra.get("QueueTime", 0)) or None,
            )  # fmt: skip
        if result is not None:
            filed.append(result.item)
    return filed
