"""Sending one text message: the transport every sender shares (patients' messages, on-call
pages). ``SMS_BACKEND=twilio`` sends through the practice's Twilio account (``twilio``
package, ``TWILIO_API_BASE_URL`` can point elsewhere); ``console`` only logs the length (never
the text or the number: they may be patient data); ``file`` (the demo's) appends each text to
``OUTBOX_DIR/sms.jsonl``, an outbox the demo shows at /outbox/ — synthetic data only."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from twilio.rest import Client

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Account:
    """The sending account: a practice's Twilio credentials and number."""

    sid: str
    token: str
    from_number: str
    status_callback: str = ""


def send_sms(account: Account, *, to: str, body: str, what: str) -> str:
    """Send ``body`` to ``to``; returns the provider's message id. ``what`` names the message
    in logs ("item 42", "page 7") — never its content."""
    if settings.SMS_BACKEND == "file":
        return _to_file(to=to, body=body, what=what)
    if settings.SMS_BACKEND == "console":
        logger.info("SMS (console backend) for %s: %d characters", what, len(body))
        return f"console-{secrets.token_hex(8)}"
    client = Client(account.sid, account.token)
    client.api.base_url = settings.TWILIO_API_BASE_URL
    extra = {"status_callback": account.status_callback} if account.status_callback else {}
    sent = client.messages.create(to=to, from_=account.from_number, body=body, **extra)
    return str(sent.sid)


def _to_file(*, to: str, body: str, what: str) -> str:
    outbox = Path(settings.OUTBOX_DIR)
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    sid = f"file-{secrets.token_hex(8)}"
    record = {"sid": sid, "at": datetime.now(UTC).isoformat(), "to": to, "what": what,
              "body": body}  # fmt: skip
    with (outbox / "sms.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
    return sid
