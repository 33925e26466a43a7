"""Reading appointments from a FHIR R4 server, and from FHIR JSON files.

Search: ``GET {base}/Appointment?date=ge{from}&date=lt{to}&_include=Appointment:patient``,
following the Bundle's ``next`` links (same origin only: the bearer token never leaves the
EHR). Patients the server did not include are read one by one (``GET {base}/Patient/{id}``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import urllib3

from closeloop.appointments.fhir import Batch, appointment_record
from closeloop.appointments.importer import ImportSummary, import_records
from closeloop.appointments.models import Source
from closeloop.core import outbound
from closeloop.practices.models import Practice

TIMEOUT = 30
PAGE_SIZE = 100
MAX_PAGES = 10_000
#: One answer's limits: a page of a search (``PAGE_SIZE`` appointments and their patients) is
#: far below them. ``TIMEOUT`` bounds each wait for the socket; ``DEADLINE`` the whole answer
#: (a server sending a byte at a time would otherwise hold the worker forever).
MAX_BODY_BYTES = 16 * 2**20
DEADLINE = 120.0
CHUNK = 64 * 1024


def server_fingerprint(base_url: str) -> str:
    """Which FHIR server a visit came from, as stored on it (``Appointment.fhir_server``): the
    SHA-256 of the base URL as the client calls it (no trailing slash; scheme and host in lower
    case). A digest, not the URL: the URL may carry credentials, and it is copied onto every
    visit; two URLs naming the same server by another spelling (a port, a path) differ, so a
    write-back is refused, never sent to a server the visit did not come from."""
    parts = urlsplit(base_url.strip())
    host = parts.netloc.rpartition("@")
    netloc = host[0] + host[1] + host[2].lower()
    text = urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), parts.query, ""))
    return hashlib.sha256(text.encode()).hexdigest()


class FhirFetchError(RuntimeError):
    """The server could not be read; the message says which request and why."""


class FhirAnswerRefused(FhirFetchError):
    """The server's answer was a redirect, too large or too slow; ``reason`` says which (no
    URL: it is kept on the write-back row and shown in Settings)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class FhirHttpError(FhirFetchError):
    """The server answered with an HTTP status other than success."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class FhirClient:
    def __init__(self, base_url: str, token: str = "", session: Any = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FhirFetchError(f"not an http(s) URL: {base_url!r}")
        # The outbound-URL policy (SSRF): the practice's token never goes to the server's own
        # network. The text here; the address at each connection (``outbound.session``).
        if why := outbound.url_problem(base_url):
            raise FhirFetchError(f"{base_url}: {why}")
        self.base_url = base_url.rstrip("/")
        self.origin = (parts.scheme, parts.netloc)
        self.session = session or outbound.session()
        self.session.headers["Accept"] = "application/fhir+json, application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._patients: dict[str, dict[str, Any] | None] = {}

    @property
    def server(self) -> str:
        """This server as the visits read from it record it (``server_fingerprint``)."""
        return server_fingerprint(self.base_url)

    def get(self, url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise FhirFetchError(f"refusing to follow a link to another server: {url}")
        try:
            response = self.session.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True)
        except outbound.Refused as exc:
            raise FhirFetchError(f"GET {url}: {exc}") from None
        except requests.RequestException as exc:
            raise FhirFetchError(f"GET {url}: {exc.__class__.__name__}") from None
        with response:
            if response.is_redirect:
                why = "the EHR answered with a redirect (redirects are not followed)"
                raise FhirAnswerRefused(f"GET {url}: {why}", why)
            if response.status_code != 200:
                raise FhirHttpError(f"GET {url}: HTTP {response.status_code}", response.status_code)
            body = _read_limited(response, f"GET {url}")
        try:
            data = json.loads(body)
        except ValueError:
            raise FhirFetchError(f"GET {url}: the response is not JSON") from None
        except RecursionError:
            raise FhirFetchError(f"GET {url}: the response is nested too deeply") from None
        if not isinstance(data, dict):
            raise FhirFetchError(f"GET {url}: the response is not a FHIR resource")
        return data

    def put(self, url: str, resource: dict[str, Any], *, version: str = "") -> int:
        """Update one resource (FHIR ``update``); with ``version``, only if the server's copy
        is still that version (``If-Match``: a change made since is a 412, never overwritten).
        Returns the status; ``FhirHttpError`` when the server refused."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise FhirFetchError(f"refusing to write to another server: {url}")
        headers = {"Content-Type": "application/fhir+json"}
        if version:
            headers["If-Match"] = f'W/"{version}"'
        try:
            response = self.session.put(
                url, data=json.dumps(resource), headers=headers, timeout=TIMEOUT,
                allow_redirects=False, stream=True,
            )  # fmt: skip
        except outbound.Refused as exc:
            raise FhirFetchError(f"PUT {url}: {exc}") from None
        except requests.RequestException as exc:
            raise FhirFetchError(f"PUT {url}: {exc.__class__.__name__}") from None
        response.close()  # the status is the answer; its body is never read
        if not 200 <= response.status_code < 300:
            raise FhirHttpError(f"PUT {url}: HTTP {response.status_code}", response.status_code)
        return int(response.status_code)

    def search_appointments(self, start: date, end: date) -> Iterator[dict[str, Any]]:
        """Bundles of the search, page by page."""
        query = urlencode(
            [
                ("date", f"ge{start.isoformat()}"),
                ("date", f"lt{end.isoformat()}"),
                ("_include", "Appointment:patient"),
                ("_count", str(PAGE_SIZE)),
            ]
        )
        url: str | None = f"{self.base_url}/Appointment?{query}"
        seen: set[str] = set()
        while url and len(seen) < MAX_PAGES:
            if url in seen:
                raise FhirFetchError(f"the server's next link loops back to {url}")
            seen.add(url)
            bundle = self.get(url)
            if bundle.get("resourceType") != "Bundle":
                raise FhirFetchError(f"GET {url}: expected a Bundle")
            yield bundle
            url = next(
                (
                    link.get("url")
                    for link in bundle.get("link", [])
                    if isinstance(link, dict) and link.get("relation") == "next"
                ),
                None,
            )

    def remember(self, patients: dict[str, dict[str, Any]]) -> None:
        self._patients.update(patients)

    def patient(self, patient_id: str) -> dict[str, Any] | None:
        if patient_id not in self._patients:
            try:
                self._patients[patient_id] = self.get(f"{self.base_url}/Patient/{patient_id}")
            except FhirFetchError:
                self._patients[patient_id] = None  # matched from the reference alone
        return self._patients[patient_id]


def _read_limited(response: requests.Response, what: str) -> bytes:
    """The answer's body, decompressed, up to ``MAX_BODY_BYTES`` and ``DEADLINE``
    (``FhirAnswerRefused`` beyond either); read a socket read at a time, so a drip cannot
    outlast the deadline (``requests`` leaves the raw stream compressed: it is decoded here)."""
    declared = response.headers.get("Content-Length", "")
    too_large = f"the EHR's answer was larger than {MAX_BODY_BYTES // 2**20} MB"
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise FhirAnswerRefused(f"{what}: {too_large}", too_large)
    ends = time.monotonic() + DEADLINE
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise FhirAnswerRefused(f"{what}: {too_large}", too_large)
            if time.monotonic() > ends:
                slow = f"the EHR took longer than {DEADLINE:g} s to answer"
                raise FhirAnswerRefused(f"{what}: {slow}", slow)
            chunks.append(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise FhirFetchError(f"{what}: {exc.__class__.__name__}") from None
    return b"".join(chunks)


Progress = Callable[[int], None]


def import_batch(
    practice: Practice,
    batch: Batch,
    summary: ImportSummary,
    *,
    fetch_patient: Callable[[str], dict[str, Any] | None] | None = None,
    progress: Progress | None = None,
    server: str = "",
) -> ImportSummary:
    """Store ``batch``; ``server``: the fingerprint of the FHIR server it was read from ("" for
    files: their origin is not known, and their visits are never written back)."""
    summary.rejected.extend(batch.rejected)
    for kind, n in batch.skipped.items():
        summary.skipped[kind] = summary.skipped.get(kind, 0) + n

    def patients(patient_id: str) -> dict[str, Any] | None:
        if patient_id in batch.patients:
            return batch.patients[patient_id]
        return fetch_patient(patient_id) if fetch_patient else None

    def builder(data: dict[str, Any]) -> Callable[[], Any]:
        return lambda: appointment_record(data, patients, batch.full_urls)

    records = ((where, builder(data)) for where, data in batch.appointments)
    return import_records(practice, records, Source.FHIR, summary, progress, fhir_server=server)


def read_files(paths: list[Path]) -> Batch:
    batch = Batch()
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            batch.rejected.append((str(path), f"cannot read the file ({exc.strerror})"))
            continue
        except UnicodeDecodeError:
            batch.rejected.append((str(path), "not UTF-8 text"))
            continue
        except json.JSONDecodeError as exc:
            batch.rejected.append(
                (str(path), f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
            )
            continue
        except RecursionError:
            batch.rejected.append((str(path), "not valid JSON: nested too deeply"))
            continue
        batch.add(data, path.name)
    return batch


def import_files(
    practice: Practice, paths: list[Path], progress: Progress | None = None
) -> ImportSummary:
    return import_batch(practice, read_files(paths), ImportSummary(), progress=progress)


def import_from_server(
    practice: Practice,
    client: FhirClient,
    start: date,
    end: date,
    progress: Progress | None = None,
    summary: ImportSummary | None = None,
) -> ImportSummary:
    """Every page of the search, each page's records stored as it arrives (into ``summary``,
    which keeps what was done if a later page cannot be read)."""
    summary = summary if summary is not None else ImportSummary()
    for page, bundle in enumerate(client.search_appointments(start, end), start=1):
        batch = Batch()
        batch.add(bundle, f"page {page}")
        # Patients included on one page are referenced from later pages too.
        client.remember(batch.patients)
        import_batch(
            practice, batch, summary, fetch_patient=client.patient, progress=progress,
            server=client.server,
        )  # fmt: skip
    return summary
