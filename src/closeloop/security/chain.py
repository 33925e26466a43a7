"""The audit log's hash chain: sealing new events into it, and verifying it.

Events are written as they happen (``audit.record``), in whatever transactions cause them. The
sweep seals the committed ones every minute (``seal``): in one short transaction, serialised
across workers (a PostgreSQL advisory lock; SQLite's single writer), each unsealed event in id
order gets the next link — ``HMAC(key, previous hash + the event's content)``. The key is
derived from ``SECRET_KEY`` (older keys in ``SECRET_KEY_FALLBACKS`` still verify), so someone
who can write to the database but not read the server's settings cannot rebuild a chain over
rows they changed.

``verify`` walks the links in order and reports the first broken one: a link missing (a gap in
``seq``), an event missing or changed, a hash that does not follow; and events older than the
sealing window that no link covers (inserted behind the application's back, or the sweep not
running). The sweep verifies once a day and logs the chain's head (an anchor for the logs'
own retention); ``closeloop audit verify`` does it on demand (exit status 1 when broken).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from closeloop.security.models import AuditChainLink, AuditCheck, AuditEvent

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
#: Events this old and still unsealed are reported by ``verify``.
SEAL_WINDOW = timedelta(minutes=10)
SEAL_BATCH = 5000
#: How long a transaction may hold an audit row before committing it and still be sealed.
LATE_COMMIT = timedelta(hours=1)
#: PostgreSQL advisory lock key for sealing (one sealer at a time).
LOCK_KEY = 0x61756469  # "audi"

CONTENT_FIELDS = (
    "id", "at", "user_id", "username", "channel", "action", "object_type", "object_id",
    "practice_id", "patient_id", "fields", "ip", "user_agent", "path", "detail",
)  # fmt: skip


def content(event: dict[str, Any]) -> bytes:
    """An event's content, canonically (its field values as sorted JSON)."""
    values = {}
    for name in CONTENT_FIELDS:
        value = event[name]
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def _keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hashlib.sha256(f"closeloop-audit-chain:{s}".encode()).digest() for s in secrets]


def link_hash(prev_hash: str, event: dict[str, Any], key: bytes | None = None) -> str:
    mac = hmac.new(key or _keys()[0], prev_hash.encode() + b"\n" + content(event), "sha256")
    return mac.hexdigest()


def _events(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = AuditEvent.objects.filter(pk__in=ids).values(*CONTENT_FIELDS)
    return {row["id"]: row for row in rows}


def seal(batch: int = SEAL_BATCH) -> int:
    """Link committed events that no link covers yet, in id order; returns how many."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        last = AuditChainLink.objects.order_by("-seq").values("seq", "hash", "event_id").first()
        seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS)
        after = last["event_id"] if last else 0
        # Events after the last sealed one (the primary key's range), and any lower id that
        # committed after it was sealed (recent: the time index's range).
        unsealed = AuditEvent.objects.filter(link__isnull=True)
        late = unsealed.filter(id__lt=after, at__gte=timezone.now() - LATE_COMMIT)
        newer = unsealed.filter(id__gt=after)
        pending = sorted(
            {
                *late.order_by("id").values_list("id", flat=True)[:batch],
                *newer.order_by("id").values_list("id", flat=True)[:batch],
            }
        )[:batch]
        if not pending:
            return 0
        events = _events(pending)
        links = []
        for event_id in pending:
            seq += 1
            digest = link_hash(prev, events[event_id])
            links.append(AuditChainLink(seq=seq, event_id=event_id, prev_hash=prev, hash=digest))
            prev = digest
        AuditChainLink.objects.bulk_create(links)
        logger.debug("audit chain: sealed %s events after event %s", len(links), after)
        return len(links)


@dataclass
class Verification:
    links: int
    head_hash: str
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _walk(chunk: int = 5000) -> Iterator[list[Any]]:
    start = 0
    while True:
        rows = list(
            AuditChainLink.objects.filter(seq__gt=start)
            .order_by("seq")
            .values("seq", "event_id", "prev_hash", "hash")[:chunk]
        )
        if not rows:
            return
        yield rows
        start = rows[-1]["seq"]


def verify(now: datetime | None = None) -> Verification:
    """Walk the chain from its first link; the first broken link, if any, is the problem."""
    now = now or timezone.now()
    keys = _keys()
    expected_seq, prev = 1, GENESIS
    count = 0
    for rows in _walk():
        events = _events([row["event_id"] for row in rows])
        for row in rows:
            where = f"link {row['seq']} (event {row['event_id']})"
            if row["seq"] != expected_seq:
                return Verification(
                    count, prev, f"link {expected_seq} is missing (next is {where})"
                )
            if row["prev_hash"] != prev:
                return Verification(count, prev, f"{where} does not follow link {row['seq'] - 1}")
            event = events.get(row["event_id"])
            if event is None:
                return Verification(count, prev, f"{where}: the event was deleted")
            if not any(
                hmac.compare_digest(link_hash(prev, event, key), row["hash"]) for key in keys
            ):
                return Verification(count, prev, f"{where}: the event was changed")
            prev, expected_seq, count = row["hash"], expected_seq + 1, count + 1
    anchor = AuditCheck.objects.filter(ok=True, links__gt=0).order_by("-date").first()
    if anchor is not None:
        kept = AuditChainLink.objects.filter(seq=anchor.links).values_list("hash", flat=True)
        if count < anchor.links or kept.first() != anchor.head_hash:
            return Verification(
                count,
                prev,
                f"the chain had {anchor.links} link(s) ending in {anchor.head_hash[:12]}… on "
                f"{anchor.date}; it now has {count}: it was cut or rewritten",
            )
    stray = (
        AuditEvent.objects.filter(link__isnull=True, at__lt=now - SEAL_WINDOW)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if stray is not None:
        return Verification(
            count, prev, f"event {stray} is older than {SEAL_WINDOW} and not in the chain"
        )
    return Verification(count, prev)


def daily_check(now: datetime | None = None) -> AuditCheck | None:
    """Once a day (the first sweep of the UTC day): verify, keep the result (append-only, like
    the log: the next verification compares the chain with it), log the head as an anchor, and
    tell the operators (``ADMINS``) if the chain is broken."""
    now = now or timezone.now()
    today: date = now.date()
    if AuditCheck.objects.filter(date=today).exists():
        return None
    result = verify(now)
    try:
        with transaction.atomic():
            check = AuditCheck.objects.create(
                date=today,
                checked_at=now,
                ok=result.ok,
                links=result.links,
                head_hash=result.head_hash,
                problem=result.problem,
            )
    except IntegrityError:
        return None  # another worker checked today
    if result.ok:
        logger.info("audit chain verified: %s links, head %s", result.links, result.head_hash)
    else:
        logger.error("audit chain BROKEN: %s", result.problem)
        mail_admins("Closeloop: the audit log's chain is broken", result.problem)
    return check
