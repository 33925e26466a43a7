"""Opt-out and opt-in: the keywords patients text, and whether we may contact an address."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from closeloop.lib.textnorm import normalize
from closeloop.messaging.models import ConsentChange, ConsentChannel
from closeloop.practices.models import Practice

#: A text that is exactly one of these (any case, punctuation ignored) changes consent. Carriers'
#: standard words, and their Spanish equivalents.
OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "parar", "alto", "baja"}
)
OPT_IN_WORDS = frozenset({"start", "unstop", "subscribe", "iniciar", "alta"})


def keyword(text: str) -> bool | None:
    """True for an opt-in keyword, False for an opt-out one, None for an ordinary message."""
    word = normalize(text)
    if word in OPT_OUT_WORDS:
        return False
    if word in OPT_IN_WORDS:
        return True
    return None


@transaction.atomic
def consent_record(
    *, practice: Practice, channel: str, address: str, opted_in: bool, source: str
) -> ConsentChange:
    return ConsentChange.objects.create(
        practice=practice,
        channel=channel,
        address=address.lower() if channel == ConsentChannel.EMAIL else address,
        opted_in=opted_in,
        source=source,
    )


def may_contact(practice: Practice, channel: str, address: str) -> bool:
    """Contact is allowed unless the latest change for this address is an opt-out."""
    if not address:
        return False
    key = address.lower() if channel == ConsentChannel.EMAIL else address
    latest: Any = (
        ConsentChange.objects.filter(practice=practice, channel=channel, address=key)
        .order_by("-at", "-id")
        .values_list("opted_in", flat=True)
        .first()
    )
    return latest is None or bool(latest)


def reachable_by(practice: Practice, *, phone: str, email: str) -> tuple[str, str] | None:
    """(channel, address) to write to: a text where consent allows, else an email; None when
    neither may be used. The one order for every message a patient did not ask for."""
    for channel, address in ((ConsentChannel.SMS, phone), (ConsentChannel.EMAIL, email)):
        if may_contact(practice, channel, address):
            return channel, address
    return None
