"""Pictures and files from patients: an MMS picture (Twilio ``MediaUrl<N>``) or an email
attachment, kept encrypted beside the item it came with (``Attachment.data``).

What is kept is decided by the bytes, never by the sender's Content-Type: a picture a browser
shows (JPEG, PNG, GIF, WebP) or a PDF, at most ``MAX_BYTES`` each and ``MAX_FILES`` per
message. Anything else is refused with a line on the item's timeline (staff can ask the patient
for another copy); nothing about it is stored.

MMS pictures stay with Twilio until fetched: the hook records one pending row per picture in
the same transaction as the contact, a task fetches each with the practice's Twilio credentials
through the outbound URL policy (``core.outbound``), and the sweep re-drives a fetch a dead
worker left (the claim is a lease, ``core.claims``). Credentials go only to Twilio's API host,
for the practice's own account; the redirect to Twilio's media store is checked again and
carries no credentials.

An insurance card picture on an insurance item ticks the checklist step it answers.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django_tasks import task

from closeloop.core import claims, outbound
from closeloop.intake.models import (
    MAX_BYTES,
    MAX_FILES,
    REFUSALS,
    Attachment,
    FileSource,
    FileState,
    InboundMessage,
)
from closeloop.lib import filetypes
from closeloop.practices.defaults import INSURANCE_CATEGORY, INTAKE_CATEGORY
from closeloop.practices.models import Practice
from closeloop.security import audit
from closeloop.support_queue.item_writes import Change, locked
from closeloop.support_queue.models import EventCode, SupportItem, TimelineEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FETCH_TIMEOUT = 15
MAX_REDIRECTS = 2
TWILIO_API_HOST = "api.twilio.com"
#: Checklist steps an insurance card picture answers, by the category codes practices keep.
CARD_STEPS = {
    INSURANCE_CATEGORY: "Record payer, member id and group number",
    INTAKE_CATEGORY: "Collect insurance card and photo ID",
}


class BadMedia(ValueError):
    """The hook's media fields contradict each other (a 400)."""


class FetchFailed(RuntimeError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Media:
    url: str
    declared_type: str


def mms_media(params: dict[str, str]) -> list[Media]:
    """Twilio's ``NumMedia``, ``MediaUrl<N>`` and ``MediaContentType<N>``, in order."""
    raw = params.get("NumMedia", "").strip() or "0"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
        raise BadMedia("NumMedia must be a whole number.")
    media = []
    for n in range(int(raw)):
        url = params.get(f"MediaUrl{n}", "").strip()
        if not url:
            raise BadMedia(f"NumMedia is {raw} but MediaUrl{n} is missing.")
        media.append(Media(url[:500], params.get(f"MediaContentType{n}", "")[:100]))
    return media


# --- recording what arrived ----------------------------------------------------------------------


def _inbound(practice: Practice, kind: str, external_id: str) -> InboundMessage:
    return InboundMessage.objects.get(practice=practice, kind=kind, external_id=external_id)


@transaction.atomic
def files_expect(
    *, practice: Practice, item: SupportItem, kind: str, external_id: str, media: list[Media]
) -> list[Attachment]:
    """One pending row per MMS picture (once per message: a retry finds them) and a fetch task
    for each; the pictures past ``MAX_FILES`` are refused."""
    inbound = _inbound(practice, kind, external_id)
    if inbound.files.exists():
        return []
    rows = []
    for position, medium in enumerate(media):
        row = Attachment.objects.create(
            practice=practice, item=item, inbound=inbound, source=FileSource.MMS,
            position=position, source_url=medium.url, declared_type=medium.declared_type,
        )  # fmt: skip
        if position >= MAX_FILES:
            _refuse(row, "too_many")
            continue
        rows.append(row)
        fetch_file.enqueue(row.pk)
    return rows


@transaction.atomic
def files_receive(
    *,
    practice: Practice,
    item: SupportItem,
    kind: str,
    external_id: str,
    source: str,
    parts: list[tuple[str, str, bytes]],
) -> list[Attachment]:
    """Files that came with the message itself (an email's attachments: name, declared type,
    bytes): kept or refused now, once per message."""
    inbound = _inbound(practice, kind, external_id)
    if inbound.files.exists():
        return []
    rows = []
    for position, (_name, declared, data) in enumerate(parts):
        row = Attachment.objects.create(
            practice=practice, item=item, inbound=inbound, source=source, position=position,
            declared_type=declared[:100],
        )  # fmt: skip
        if position >= MAX_FILES:
            _refuse(row, "too_many")
        else:
            _keep_or_refuse(row, data)
        rows.append(row)
    return rows


def refusal(data: bytes) -> str:
    """Why these bytes are not kept ("" when they are)."""
    if not data:
        return "empty"
    if len(data) > MAX_BYTES:
        return "too_large"
    if not filetypes.sniff(data):
        return "type"
    return ""


def _keep_or_refuse(row: Attachment, data: bytes) -> None:
    why = refusal(data)
    if why:
        _refuse(row, why)
    else:
        _keep(row, data)


def _keep(row: Attachment, data: bytes) -> None:
    row.content_type = filetypes.sniff(data)
    row.size = len(data)
    row.sha256 = hashlib.sha256(data).hexdigest()
    row.data = data
    row.state = FileState.STORED
    row.source_url = ""  # Twilio's copy is no longer needed
    row.claimed_at = None
    row.save()
    item = locked(row.item_id, None)
    change = Change(item)
    change.note("file", row.pk)
    change.note("content_type", row.content_type)
    item = change.save(code=EventCode.FILE_RECEIVED, actor=None, now=timezone.now())
    if _is_card(row, item):
        _tick_card_step(item)


def _refuse(row: Attachment, code: str) -> None:
    row.state = FileState.REFUSED
    row.refused = code
    row.source_url = ""
    row.claimed_at = None
    row.save()
    item = locked(row.item_id, None)
    change = Change(item)
    change.note("file", row.pk)
    change.note("refused", code)
    text = f"A file the patient sent was not kept: {REFUSALS[code]}. Ask for another copy."
    change.save(code=EventCode.FILE_REFUSED, actor=None, now=timezone.now(), text=text)


# --- insurance cards -----------------------------------------------------------------------------


def _is_card(row: Attachment, item: SupportItem) -> bool:
    """A picture on an insurance item is taken as the card (the item asked for it); on a
    new-patient intake item, a picture is the card and ID the checklist asks for."""
    return filetypes.is_image(row.content_type) and item.category.code in CARD_STEPS


def _tick_card_step(item: SupportItem) -> None:
    step = CARD_STEPS[item.category.code]
    if step not in (item.category.checklist or []) or step in steps_done(item):
        return
    change = Change(item)
    change.note("step", step)
    change.save(code=EventCode.CHECKLIST_STEP, actor=None, now=timezone.now())


def steps_answered(events: Iterable[TimelineEvent]) -> set[str]:
    """The checklist steps these timeline events record as answered."""
    return {
        str(e.changes.get("step", {}).get("new", ""))
        for e in events
        if e.code == EventCode.CHECKLIST_STEP
    }


def steps_done(item: SupportItem) -> set[str]:
    return steps_answered(TimelineEvent.objects.filter(item=item, code=EventCode.CHECKLIST_STEP))


# --- reading -------------------------------------------------------------------------------------


def stored_file(item: SupportItem, file_id: int | None) -> Attachment | None:
    """One kept file of ``item`` (the caller checked the reader may read the item in full)."""
    if file_id is None:
        return None
    return Attachment.objects.filter(item=item, pk=file_id, state=FileState.STORED).first()


def file_response(item: SupportItem, file_id: int | None) -> HttpResponse | None:
    """One kept file of ``item`` as every door serves it (the item page's link, the API), or
    None: the view audited, never cached (``no-store``, also by a shared proxy), never sniffed
    into HTML, sandboxed if opened; a picture shown inline, a PDF downloaded. The caller
    checked the reader may read the item in full (``access.item_for_action``,
    ``VIEW_DETAILS``)."""
    row = stored_file(item, file_id)
    if row is None:
        return None
    audit.record_view(row, fields=["data"])
    response = HttpResponse(row.data, content_type=row.content_type)
    extension = filetypes.EXTENSIONS.get(row.content_type, "bin")
    how = "inline" if filetypes.is_image(row.content_type) else "attachment"
    response["Content-Disposition"] = f'{how}; filename="item-{item.pk}-file-{row.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def files_for_item(item: SupportItem) -> list[Attachment]:
    """What the item page lists: every file the patient sent, kept or not (never the bytes)."""
    return list(Attachment.objects.filter(item=item).defer("data").order_by("received_at", "pk"))


# --- fetching MMS pictures -----------------------------------------------------------------------


def _account_path(practice: Practice) -> str:
    return f"/2010-04-01/Accounts/{practice.twilio_account_sid}/"


def media_url_problem(practice: Practice, url: str) -> str:
    """The practice's credentials go only to Twilio's API, for its own account."""
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or parts.hostname != TWILIO_API_HOST
        or parts.port not in (None, 443)
    ):
        return "not_twilio"
    if not practice.twilio_account_sid or not parts.path.startswith(_account_path(practice)):
        return "not_twilio"
    return ""


def _read_capped(response: object) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):  # type: ignore[attr-defined]
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchFailed("too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def download(practice: Practice, url: str) -> bytes:
    """The picture's bytes. Twilio answers the API URL with a redirect to its media store: that
    URL is checked by the policy again and fetched without the credentials."""
    if media_url_problem(practice, url) or outbound.url_problem(url):
        raise FetchFailed("not_twilio")
    auth: tuple[str, str] | None = (practice.twilio_account_sid, practice.twilio_auth_token)
    session = outbound.session()
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            response = session.get(
                url, auth=auth, timeout=FETCH_TIMEOUT, allow_redirects=False, stream=True
            )
            with response:
                if response.is_redirect and "Location" in response.headers:
                    url, auth = urljoin(url, response.headers["Location"]), None
                    if outbound.url_problem(url):
                        raise FetchFailed("fetch_failed")
                    continue
                if response.status_code != 200:
                    raise FetchFailed("fetch_failed")
                return _read_capped(response)
    except (OSError, outbound.Refused) as exc:
        raise FetchFailed("fetch_failed") from exc
    finally:
        session.close()
    raise FetchFailed("fetch_failed")


def fetch(file_id: int, now: datetime | None = None) -> str:
    """Fetch one pending MMS picture (claimed first: one worker does it). A failure is tried
    again later, ``MAX_ATTEMPTS`` in all; then the timeline says so."""
    now = now or timezone.now()
    won = claims.claim(
        Attachment, file_id, pending=FileState.PENDING, time_field="fetch_after", now=now
    )
    if not won:
        return "not-due"
    row = Attachment.objects.select_related("practice").get(pk=file_id)
    try:
        data = download(row.practice, row.source_url)
    except FetchFailed as failed:
        return _fetch_failed(row, failed.code, now)
    with transaction.atomic():
        _keep_or_refuse(row, data)
    return row.state


def _fetch_failed(row: Attachment, code: str, now: datetime) -> str:
    row.attempts += 1
    with transaction.atomic():
        if code != "fetch_failed" or row.attempts >= MAX_ATTEMPTS:
            _refuse(row, code)
            return "refused"
        Attachment.objects.filter(pk=row.pk).update(
            state=FileState.PENDING,
            attempts=row.attempts,
            claimed_at=None,
            fetch_after=now + timedelta(minutes=2**row.attempts),
        )
    return "retry"


@task()
def fetch_file(file_id: int) -> str:
    return fetch(file_id)


def fetches_due(now: datetime) -> int:
    """Pending pictures whose time came (a retry, or a task a dead worker lost)."""
    due = Attachment.objects.filter(
        claims.due(pending=FileState.PENDING, time_field="fetch_after", now=now)
    ).values_list("pk", flat=True)[:100]
    return sum(fetch(pk, now) not in ("not-due", "retry") for pk in list(due))


# --- retention -----------------------------------------------------------------------------------


def files_purge(item_ids: list[int]) -> int:
    """Retention: the bytes (and where Twilio kept them) go; the row stays for the timeline."""
    return (
        Attachment.objects.filter(item_id__in=item_ids)
        .exclude(state=FileState.PURGED)
        .update(data=None, source_url="", state=FileState.PURGED)
    )
