"""The audit log's hash chain: sealing new events into it, verifying it, and anchoring it.

Events are written as they happen (``audit.record``), in whatever transactions cause them. The
sweep seals the committed ones every minute (``seal``): in one short transaction, serialised
across workers (a PostgreSQL advisory lock; SQLite's single writer), each event no link covers
yet gets the next link — ``HMAC(key, previous hash + the event's content)`` — in the order the
sealer finds them committed, never by the event's own time (``at`` is the clock of whoever
wrote it: the demo writes its older weeks on a moved clock, and a transaction may commit long
after it stamped its rows).

The key is ``AUDIT_KEY`` when set, else derived from ``SECRET_KEY``; older keys still verify
(``AUDIT_KEY_FALLBACKS``, then those derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``).
It is used twice: each event carries its own MAC, made when it is written (``event_mac``), and
each link is an HMAC. The sealer links only events whose MAC is good, so someone who can write
to the database but not read the server's settings can neither add an event the sweep will
seal, nor change one and have it sealed again after deleting its links. Events written before
keyed events carry no MAC: those already linked are counted as "sealed before keyed events";
those not yet linked wait for ``closeloop audit seal --unkeyed`` (the upgrade step), and
``verify`` counts them apart — never sealed by the sweep, never silently.

``verify`` walks the links in order and reports the first broken one: a link missing (a gap in
``seq``), an event missing or changed, a hash that does not follow, or a chain shorter than (or
different from) an anchor. Events no link covers yet are counted apart ("not yet sealed"):
they are not evidence of anything, and the sweep seals them. An **anchor** is the chain's
length and head at a time (``closeloop-audit-anchor <time> links=<n> head=<hash>``): the sweep
stores one a day in the database (``AuditCheck``), logs it and emails it to ``AUDIT_EMAILS``, and
``closeloop audit anchor`` prints one; kept outside the database, it is what shows a log cut
short — its newest events and links deleted, or all of it emptied — which nothing inside the
database can (``closeloop audit verify --anchor-file FILE``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from closeloop.security.models import AuditChainLink, AuditCheck, AuditEvent

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
SEAL_BATCH = 5000
#: How long a transaction may hold an audit row before committing it and still be sealed by
#: the next minute's sweep (those that take longer are sealed by the daily check).
LATE_COMMIT = timedelta(hours=1)
#: PostgreSQL advisory lock key for sealing (one sealer at a time).
LOCK_KEY = 0x61756469  # "audi"
ANCHOR_PREFIX = "closeloop-audit-anchor"

CONTENT_FIELDS = (
    "id", "at", "user_id", "username", "channel", "action", "object_type", "object_id",
    "practice_id", "patient_id", "fields", "ip", "user_agent", "path", "detail",
)  # fmt: skip


def content(event: Mapping[str, object]) -> bytes:
    """An event's content, canonically (its field values as sorted JSON)."""
    values = {}
    for name in CONTENT_FIELDS:
        value = event[name]
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def _keys() -> list[bytes]:
    """The key to make MACs with first, then the older ones that still verify."""
    dedicated = [
        hashlib.sha256(f"closeloop-audit-key:{k}".encode()).digest()
        for k in [getattr(settings, "AUDIT_KEY", ""), *getattr(settings, "AUDIT_KEY_FALLBACKS", [])]
        if k
    ]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    derived = [hashlib.sha256(f"closeloop-audit-chain:{s}".encode()).digest() for s in secrets]
    return dedicated + derived


def _event_content(event: Mapping[str, object]) -> bytes:
    """What an event's own MAC covers: its content but its id (not known before it is
    written). A copy of a genuine event under another id would carry a good MAC: the chain's
    order and the anchors, not the MAC, tell copies and reorderings."""
    return content({**event, "id": None})


def event_mac(event: Mapping[str, object], key: bytes | None = None) -> str:
    mac = hmac.new(key or _keys()[0], b"event\n" + _event_content(event), "sha256")
    return mac.hexdigest()


def mac_state(event: Mapping[str, object], keys: list[bytes] | None = None) -> str:
    """``good``, ``none`` (written before keyed events, or behind the application) or
    ``bad`` (changed, or made up without the key)."""
    given = str(event.get("mac") or "")
    if not given:
        return "none"
    keys = keys or _keys()
    good = any(hmac.compare_digest(event_mac(event, key), given) for key in keys)
    return "good" if good else "bad"


def link_hash(prev_hash: str, event: Mapping[str, object], key: bytes | None = None) -> str:
    mac = hmac.new(key or _keys()[0], prev_hash.encode() + b"\n" + content(event), "sha256")
    return mac.hexdigest()


def _events(ids: list[int]) -> dict[int, Mapping[str, object]]:
    rows = AuditEvent.objects.filter(pk__in=ids).values(*CONTENT_FIELDS, "mac")
    return {row["id"]: row for row in rows}


def _floor(now: datetime) -> int:
    """An event id below which every event has been sealed or is not coming: the event of a
    link sealed at least ``LATE_COMMIT`` ago was committed by then, every id handed out since
    is higher (ids come from one increasing sequence), and a transaction that took a lower id
    has had ``LATE_COMMIT`` to commit (the minute's sealing looks above it; the daily check
    looks everywhere)."""
    old = AuditChainLink.objects.filter(sealed_at__lte=now - LATE_COMMIT).order_by("-sealed_at")
    return old.values_list("event_id", flat=True).first() or 0


def _seal(batch: int, floor: int | None, unkeyed: bool = False) -> tuple[int, int, int]:
    """One batch: the committed events above ``floor`` (``None``: the minute's floor) that no
    link covers, in id order, those with a good MAC (and with ``unkeyed`` those without
    one); returns how many were looked at, how many sealed and the last id looked at."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        last = AuditChainLink.objects.order_by("-seq").values("seq", "hash").first()
        seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS)
        above = _floor(timezone.now()) if floor is None else floor
        pending = list(
            AuditEvent.objects.filter(id__gt=above, link__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not pending:
            return 0, 0, above
        events = _events(pending)
        keys = _keys()
        wanted = {"good", "none"} if unkeyed else {"good"}
        links = []
        for event_id in pending:
            if mac_state(events[event_id], keys) not in wanted:
                continue  # verify reports it; it never joins the chain
            seq += 1
            digest = link_hash(prev, events[event_id])
            links.append(AuditChainLink(seq=seq, event_id=event_id, prev_hash=prev, hash=digest))
            prev = digest
        AuditChainLink.objects.bulk_create(links)
        logger.debug("audit chain: sealed %s events above event %s", len(links), above)
        return len(pending), len(links), pending[-1]


def seal(batch: int = SEAL_BATCH) -> int:
    """The minute's sealing: one batch of the events committed lately; returns how many."""
    return _seal(batch, None)[1]


def seal_all(batch: int = SEAL_BATCH, *, unkeyed: bool = False) -> int:
    """Every committed event no link covers, whatever its id (the daily check, ``closeloop
    audit seal``, the demo); batch after batch, each its own short transaction. Events
    without a MAC only with ``unkeyed`` (``closeloop audit seal --unkeyed``, once, after an
    upgrade from before keyed events)."""
    total, floor = 0, 0
    while True:
        seen, sealed, floor = _seal(batch, floor, unkeyed)
        total += sealed
        if seen < batch:
            return total


_ANCHOR = re.compile(
    rf"{ANCHOR_PREFIX} (?P<at>\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ) "
    r"links=(?P<links>\d{1,18}) head=(?P<head>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class Anchor:
    """The chain's length and head at a time: what a later verification must still find."""

    at: datetime
    links: int
    head_hash: str

    def line(self) -> str:
        when = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{ANCHOR_PREFIX} {when} links={self.links} head={self.head_hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        match = _ANCHOR.fullmatch(text.strip())
        if match is None:
            raise ValueError(
                f"not an audit anchor: {text.strip()[:100]!r} (expected "
                f"'{ANCHOR_PREFIX} <time> links=<n> head=<64 hex digits>')"
            )
        at = datetime.strptime(match["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return cls(at=at, links=int(match["links"]), head_hash=match["head"])

    @classmethod
    def last_in(cls, text: str) -> Anchor:
        """The newest anchor of a file the operator keeps (one line per anchor, appended)."""
        lines = [line for line in text.splitlines() if line.startswith(ANCHOR_PREFIX)]
        if not lines:
            raise ValueError(f"no line starting with {ANCHOR_PREFIX!r} in the file")
        return cls.parse(lines[-1])


class LinkRow(TypedDict):
    seq: int
    event_id: int
    prev_hash: str
    hash: str


@dataclass
class Verification:
    links: int
    head_hash: str
    problem: str = ""
    #: Events no link covers yet (committed since the last sealing): not a problem.
    pending: int = 0
    #: Linked events without a MAC: sealed before keyed events (an upgrade's).
    legacy: int = 0
    #: Events neither linked nor carrying a MAC: an upgrade's last ones (``closeloop audit seal
    #: --unkeyed``), or rows written behind the application. Never sealed by the sweep.
    unkeyed: int = 0
    #: The first of them.
    first_unkeyed: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _walk(chunk: int = 5000) -> Iterator[list[LinkRow]]:
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


def _against(anchor: Anchor, links: int, source: str) -> str:
    """How the chain (``links`` good links) falls short of ``anchor``, or ""."""
    when = f"{source} of {anchor.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if links < anchor.links:
        return (
            f"the {when} has {anchor.links} link(s) ending in {anchor.head_hash[:12]}…; the "
            f"chain now has {links}: it was cut short"
        )
    kept = AuditChainLink.objects.filter(seq=anchor.links).values_list("hash", flat=True).first()
    if anchor.links and kept != anchor.head_hash:
        return (
            f"link {anchor.links} is not the one in the {when} ({anchor.head_hash[:12]}…): "
            "the chain was rewritten"
        )
    return ""


def verify(now: datetime | None = None, anchor: Anchor | None = None) -> Verification:
    """Walk the chain from its first link; the first broken link, if any, is the problem.
    The chain must also hold the last daily check's anchor and ``anchor`` when given."""
    keys = _keys()
    expected_seq, prev = 1, GENESIS
    count = legacy = 0
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
            state = mac_state(event, keys)
            if state == "bad":
                return Verification(count, prev, f"{where}: the event's MAC does not match")
            legacy += state == "none"
            prev, expected_seq, count = row["hash"], expected_seq + 1, count + 1
    check = AuditCheck.objects.filter(ok=True, links__gt=0).order_by("-date").first()
    if check is not None:
        stored = Anchor(at=check.checked_at, links=check.links, head_hash=check.head_hash)
        if problem := _against(stored, count, "daily check"):
            return Verification(count, prev, problem)
    if anchor is not None and (problem := _against(anchor, count, "anchor")):
        return Verification(count, prev, problem)
    return _unsealed(Verification(count, prev, legacy=legacy), keys)


def _unsealed(result: Verification, keys: list[bytes]) -> Verification:
    """Count the events no link covers by their MAC; one with a MAC that does not match was
    changed, or written behind the application with a made-up one: the chain is broken."""
    start = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(link__isnull=True, id__gt=start)
            .order_by("id")
            .values(*CONTENT_FIELDS, "mac")[:5000]
        )
        if not rows:
            return result
        for event in rows:
            state = mac_state(event, keys)
            if state == "bad":
                result.problem = (
                    f"event {event['id']} is not in the chain and its MAC does not match: "
                    "changed, or written behind the application"
                )
                return result
            if state == "none":
                result.unkeyed += 1
                result.first_unkeyed = result.first_unkeyed or event["id"]
            else:
                result.pending += 1
        start = rows[-1]["id"]


def daily_check(now: datetime | None = None) -> AuditCheck | None:
    """Once a day (the first sweep of the UTC day): seal every committed event (those of
    transactions that committed too late for the minute's sealing too), verify, keep the
    result (append-only, like the log: the next verification compares the chain with it), log
    the anchor and send it to the operators (``AUDIT_EMAILS``) to keep outside the database,
    or tell them the chain is broken."""
    now = now or timezone.now()
    today: date = now.date()
    if AuditCheck.objects.filter(date=today).exists():
        return None
    seal_all()
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
    anchor = Anchor(at=now, links=result.links, head_hash=result.head_hash)
    if result.unkeyed:
        logger.warning(
            "audit chain: %s event(s) without a MAC are not in it (the first is event %s)",
            result.unkeyed,
            result.first_unkeyed,
        )
    if result.ok:
        logger.info("audit chain verified: %s", anchor.line())
        _tell_operators(f"Audit anchor for {today}", _anchor_email(anchor), today)
    else:
        logger.error("audit chain BROKEN: %s", result.problem)
        _tell_operators("The audit log's chain is broken", result.problem, today)
    return check


def _anchor_email(anchor: Anchor) -> str:
    return (
        f"The audit log's hash chain is intact: {anchor.links} link(s).\n\n"
        "Keep the line below outside the server (a mail folder, a file): a later check "
        "compares the chain with it, which shows events deleted since, even all of them.\n\n"
        f"{anchor.line()}\n\n"
        f'To check: closeloop audit verify --anchor "{anchor.line()}"\n'
    )


def _tell_operators(subject: str, body: str, day: date) -> None:
    recipients = list(getattr(settings, "AUDIT_EMAILS", []))
    if not recipients:
        return
    message = EmailMessage(
        subject=f"[Closeloop] {subject}",
        body=body,
        to=recipients,
        headers={"X-Closeloop-Delivery": f"audit-check-{day.isoformat()}"},
    )
    try:
        message.send()
    except Exception:
        # The check is stored and logged either way; the sweep goes on.
        logger.exception("audit chain: could not email the operators")
