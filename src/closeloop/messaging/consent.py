"""Opt-out and opt-in: the keywords patients text, whether we may contact an address, and
what counts as the same address on a channel."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

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


def address_key(channel: str, address: str) -> str:
    """An address as consent is kept for it: an email address in lower case (any case is the
    same mailbox), a number as given (numbers are stored in E.164)."""
    return address.lower() if channel == ConsentChannel.EMAIL else address


def at_address(channel: str, address: str, *fields: str) -> Q:
    """Rows whose ``fields`` all hold ``address`` on ``channel``, by the rule of
    ``address_key``: an email address in any case, a number exactly. The one match for a reply
    read by the address it came from (``closing_question``, ``outreach.replies``).

    Only an ASCII address is compared in any case: PostgreSQL's ``UPPER`` folds more than
    ``str.lower`` does ("jane@ſick.example" would be "jane@sick.example"'s mailbox)."""
    caseless = channel == ConsentChannel.EMAIL and address.isascii()
    lookup = "iexact" if caseless else "exact"
    return Q(**{f"{field}__{lookup}": address for field in fields})


@transaction.atomic
def consent_record(
    *, practice: Practice, channel: str, address: str, opted_in: bool, source: str
) -> ConsentChange:
    return ConsentChange.objects.create(
        practice=practice,
        channel=channel,
        address=address_key(channel, address),
        opted_in=opted_in,
        source=source,
    )


def may_contact(practice: Practice, channel: str, address: str) -> bool:
    """Contact is allowed unless the latest change for this address is an opt-out."""
    if not address:
        return False
    latest: Any = (
        ConsentChange.objects.filter(
            practice=practice, channel=channel, address=address_key(channel, address)
        )
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
