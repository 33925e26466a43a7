"""Sending one text message: the transport every sender shares (patients' messages, on-call
pages). ``SMS_BACKEND=twilio`` sends through the practice's Twilio account (``twilio``
package, ``TWILIO_API_BASE_URL`` can point elsewhere); ``console`` only logs the length (never
the text or the number: they may be patient data)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

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
    if settings.SMS_BACKEND == "console":
        logger.info("SMS (console backend) for %s: %d characters", what, len(body))
        return f"console-{secrets.token_hex(8)}"
    client = Client(account.sid, account.token)
    client.api.base_url = settings.TWILIO_API_BASE_URL
    extra = {"status_callback": account.status_callback} if account.status_callback else {}
    sent = client.messages.create(to=to, from_=account.from_number, body=body, **extra)
    return str(sent.sid)
