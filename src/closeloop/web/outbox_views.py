"""The demo's outbox: the texts and emails the demo "sent" (written to files in its data
directory instead of leaving the machine). Only in the demo; synthetic data only.

Each person sees only what concerns the practices they serve, through the tenant filter: a
message about an item (a text or email to the patient, an alert about it) is shown when the
item is; anything else only to whom it concerns, known from the row the sender recorded
(named in ``X-Closeloop-Delivery``): a digest or an account notice to its alert's person, a
daily or weekly report to its practice's supervisors. Never by the address it went to: anyone's
address can be changed to a colleague's. What nothing ties to a person or practice is shown
to nobody.

Beside what left, what did not: messages held for quiet hours, and those cancelled right
before they would have left (``messaging.sendtime``), each with its reason.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email import message_from_string
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from closeloop.core.types import User, Viewer
from closeloop.messaging.models import CancelReason, MessageState, OutboundMessage
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.practices.choices import Role
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Practice
from closeloop.practices.selectors import home_practice, staff_profile
from closeloop.support_queue.models import AlertDelivery, StaffAlert, SupportItem
from closeloop.web.http import acting_user

SHOWN = 100
SEPARATOR = "-" * 79
#: How the senders name what they send: texts ``what`` ("item 42", "alert 7"), patient
#: emails' Message-ID (<item-42.ab12@closeloop>), alert emails' delivery header (alert-9).
TEXT_ABOUT = re.compile(r"^(item|alert) (\d+)$")
EMAIL_ITEM = re.compile(r"^<item-(\d+)\.")
EMAIL_DELIVERY = re.compile(r"^alert-(\d+)$")
#: A digest names its first delivery: the digest is its person's, whatever items it lists.
EMAIL_DIGEST = re.compile(r"^alert-digest-(\d+)$")
#: The practice reports' delivery header: their row (``periodic.reports``) names the practice.
EMAIL_REPORT = re.compile(r"^(end-of-day|weekly-review)-(\d+)$")


def _texts(outbox: Path) -> list[dict[str, Any]]:
    path = outbox / "sms.jsonl"
    if not path.exists():
        return []
    texts = []
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        text = json.loads(line)
        about = TEXT_ABOUT.match(str(text.get("what", "")))
        if about:
            text["_" + about[1]] = int(about[2])
        texts.append(text)
    return texts


def _body(message: Message) -> str:
    if message.is_multipart():
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return str(part.get_payload(decode=True).decode("utf-8", "replace"))  # type: ignore[union-attr]
        return ""
    payload = message.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def _emails(outbox: Path) -> list[dict[str, Any]]:
    folder = outbox / "email"
    if not folder.exists():
        return []
    emails: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        for chunk in reversed(path.read_text(encoding="utf-8").split(SEPARATOR)):
            if not chunk.strip():
                continue
            message = message_from_string(chunk.strip())
            email: dict[str, Any] = {
                "to": message.get("To", ""), "subject": message.get("Subject", ""),
                "at": message.get("Date", ""), "body": _body(message),
            }  # fmt: skip
            if item := EMAIL_ITEM.match(str(message.get("Message-ID", ""))):
                email["_item"] = int(item[1])
            header = str(message.get("X-Closeloop-Delivery", ""))
            if delivery := EMAIL_DELIVERY.match(header):
                email["_delivery"] = int(delivery[1])
            elif digest := EMAIL_DIGEST.match(header):
                email["_digest"] = int(digest[1])
            elif report := EMAIL_REPORT.match(header):
                email["_report"] = (report[1], int(report[2]))
            emails.append(email)
    return emails


def _reports_for(user: User, reports: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """The practice reports among ``reports`` that ``user`` would receive: they supervise the
    report's practice (the rule that chooses its recipients, ``supervisors_of``)."""
    rows = {
        "end-of-day": DailySnapshot.objects.filter(
            pk__in=[pk for k, pk in reports if k == "end-of-day"]
        ),
        "weekly-review": WeeklyReview.objects.filter(
            pk__in=[pk for k, pk in reports if k == "weekly-review"]
        ),
    }
    practice_of = {
        (kind, pk): practice_id
        for kind, queryset in rows.items()
        for pk, practice_id in queryset.values_list("pk", "practice_id")
    }
    profile = staff_profile(user)
    if profile is None or not profile.has_role(Role.SUPERVISOR) or not user.is_active:
        return set()
    mine = set(profile.practices.values_list("pk", flat=True))
    return {key for key, practice_id in practice_of.items() if practice_id in mine}


def _local(stamp: str, practice: Any) -> str:
    """A text's ISO time or an email's Date header, on ``practice``'s clock ("" if unreadable)."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        try:
            when = parsedate_to_datetime(stamp)
        except (TypeError, ValueError, IndexError):
            return ""
    if when.tzinfo is None:
        return ""
    return (
        for_staff(practice, when)
        if practice is not None
        else f"{when.astimezone(UTC):%a %b %-d, %-I:%M %p} UTC"
    )


def _visible(user: User, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries ``user`` may see (newest first, at most ``SHOWN``)."""
    alerts = {
        pk: (item_id, user_id)
        for pk, item_id, user_id in StaffAlert.objects.filter(
            pk__in=[e["_alert"] for e in entries if "_alert" in e]
        ).values_list("pk", "item_id", "user_id")
    }
    deliveries = {
        pk: (item_id, user_id)
        for pk, item_id, user_id in AlertDelivery.objects.filter(
            pk__in=[e["_delivery"] for e in entries if "_delivery" in e]
        ).values_list("pk", "alert__item_id", "alert__user_id")
    }
    digests = dict(
        AlertDelivery.objects.filter(
            pk__in=[e["_digest"] for e in entries if "_digest" in e]
        ).values_list("pk", "alert__user_id")
    )
    for entry in entries:
        alert = alerts.get(entry.get("_alert", 0)) or deliveries.get(entry.get("_delivery", 0))
        if alert is not None:
            entry["_item"], entry["_for"] = alert
        elif "_digest" in entry:
            entry["_for"] = digests.get(entry["_digest"])
    items = {e["_item"] for e in entries if e.get("_item")}
    practice_of = dict(
        SupportItem.objects.for_user(user).filter(pk__in=items).values_list("pk", "practice_id")
    )
    shown_items = set(practice_of)
    clocks = {p.pk: p for p in Practice.objects.filter(pk__in=set(practice_of.values()))}
    home = home_practice(user)
    reports = _reports_for(user, [e["_report"] for e in entries if "_report" in e])
    visible = []
    for entry in entries:
        if entry.get("_item"):
            ok = entry["_item"] in shown_items
        elif "_for" in entry:
            ok = entry["_for"] == user.pk
        else:
            ok = entry.get("_report") in reports
        if ok:
            shown = {k: v for k, v in entry.items() if not k.startswith("_")}
            # On the clock of the item's practice (else the reader's), labelled, as every
            # other time on the staff's pages: the files hold UTC.
            practice = clocks.get(practice_of.get(entry.get("_item", 0), 0), home)
            shown["at"] = _local(entry.get("at", ""), practice)
            visible.append(shown)
        if len(visible) >= SHOWN:
            break
    return visible


def not_sent(user: Viewer) -> list[dict[str, Any]]:
    """Messages to patients of the items ``user`` sees that are held or were cancelled, newest
    first, with why."""
    messages = (
        OutboundMessage.objects.filter(
            item__in=SupportItem.objects.for_user(user),
            state__in=[MessageState.HELD, MessageState.CANCELLED],
        )
        .select_related("practice")
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    reasons = dict(CancelReason.choices)
    return [
        {
            "message": message,
            "why": reasons.get(message.cancel_code, message.cancel_code)
            if message.state == MessageState.CANCELLED
            else "Held for the practice's quiet hours",
        }
        for message in messages
    ]


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if settings.CLOSELOOP_ENV != "demo":
        raise Http404("The outbox exists only in the demo")
    folder = Path(settings.OUTBOX_DIR)
    user = acting_user(request)
    return render(
        request,
        "web/outbox.html",
        {
            "texts": _visible(user, _texts(folder)),
            "emails": _visible(user, _emails(folder)),
            "not_sent": not_sent(user),
        },
    )
