"""The demo's outbox: the texts and emails the demo "sent" (written to files in its data
directory instead of leaving the machine). Only in the demo; synthetic data only."""

from __future__ import annotations

import json
from email import message_from_string
from email.message import Message
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

SHOWN = 100
SEPARATOR = "-" * 79


def _texts(outbox: Path) -> list[dict[str, Any]]:
    path = outbox / "sms.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-SHOWN:]
    return [json.loads(line) for line in reversed(lines) if line.strip()]


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
            emails.append(
                {"to": message.get("To", ""), "subject": message.get("Subject", ""),
                 "at": message.get("Date", ""), "body": _body(message)}
            )  # fmt: skip
            if len(emails) >= SHOWN:
                return emails
    return emails


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if settings.CLOSELOOP_ENV != "demo":
        raise Http404("The outbox exists only in the demo")
    folder = Path(settings.OUTBOX_DIR)
    return render(request, "web/outbox.html", {"texts": _texts(folder), "emails": _emails(folder)})
