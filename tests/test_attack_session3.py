"""Session-3 attack probes on the surfaces merged at 4e85ecd: the visit confirm action (API and
page), the metrics API's ranges, FHIR write-back against a hostile server."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from closeloop.api.models import ApiToken
from closeloop.appointments import client as fhir_client
from closeloop.appointments.models import Appointment, Match, Mode
from closeloop.outreach.models import WriteBack, WriteBackState
from closeloop.outreach.replies import visit_confirm
from closeloop.outreach.writeback import write
from tests.conftest import serving
from tests.test_fhir_write_back import NOW, ehr_appointment
from tests.test_outreach import make_visit

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _visit(practice, patient, *, start_in: timedelta, status: str = "booked") -> Appointment:
    now = timezone.now()
    return Appointment.objects.create(
        practice=practice, source="csv", external_id=f"x{start_in}{status}", patient=patient,
        match=Match.MATCHED, start=now + start_in, status=status, mode=Mode.IN_PERSON,
        kind="Follow-up", fingerprint="x", imported_at=now, updated_at=now,
        confirmation_asked_at=now - timedelta(days=1),
    )  # fmt: skip


def _headers(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


@pytest.mark.parametrize(
    ("start_in", "status"),
    [
        (timedelta(days=1), "cancelled"),
        (timedelta(days=1), "noshow"),
        (-timedelta(days=1), "booked"),
    ],
)
def test_a_cancelled_or_past_visit_cannot_be_confirmed(
    client, clock, riverside, patient, assistant, start_in, status
) -> None:
    visit = _visit(riverside, patient, start_in=start_in, status=status)
    response = client.post(
        f"/api/v1/visits/{visit.pk}/confirm", "{}", content_type=JSON, **_headers(assistant)
    )
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "visit_closed"
    client.force_login(assistant)
    page = client.post(f"/appointments/{visit.pk}/confirm/")
    assert page.status_code == 409
    visit.refresh_from_db()
    assert visit.confirmed_at is None


@pytest.mark.parametrize(
    "query",
    [
        "start=0001-01-01&end=9999-12-31",
        "start=9999-12-31",
        "end=0001-01-01",
        "start=2026-12-01&end=2026-01-01",
        "owner=0",
        "owner=99999999999999999999",
        "language=%00",
        "category=%00",
        "practice=%00",
        "start=2026-02-30",
    ],
)
def test_metrics_out_of_range_is_a_4xx(client, clock, riverside, supervisor, query) -> None:
    response = client.get(f"/api/v1/metrics?{query}", **_headers(supervisor))
    assert response.status_code in (200, 400, 404, 422), (query, response.status_code)
    client.force_login(supervisor)
    page = client.get(f"/metrics/?{query}")
    assert page.status_code in (200, 400, 404), (query, page.status_code)


# --- a hostile FHIR server: huge bodies, slow drips ----------------------------------------------


@contextmanager
def hostile_fhir(mode: str) -> Iterator[tuple[str, list[str]]]:
    """A FHIR server on 127.0.0.1 whose Appointment read is hostile: ``"huge"`` (a valid
    Appointment of 17 MB, no Content-Length), ``"declared"`` (a Content-Length of 10 GB),
    ``"drip"`` (one byte at a time, never done), ``"redirect"`` (to the cloud's metadata
    address), ``"bomb"`` (17 MB compressed to 17 kB) — or a
    well-behaved ``"gzip"`` (compressed, as real servers answer). PUTs are accepted and
    logged."""
    puts: list[str] = []
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if mode == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            shown = ehr_appointment() | ({"comment": "x" * (17 * 2**20)} if mode == "bomb" else {})
            packed = gzip.compress(json.dumps(shown).encode())
            if mode in ("gzip", "bomb"):
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(packed)))
            elif mode == "declared":
                self.send_header("Content-Length", str(10 * 2**30))
            elif mode == "drip":
                self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                if mode == "huge":
                    appointment = ehr_appointment() | {"comment": "x" * (17 * 2**20)}
                    self.wfile.write(json.dumps(appointment).encode())
                elif mode in ("gzip", "bomb"):
                    self.wfile.write(packed)
                elif mode == "declared":
                    self.wfile.write(json.dumps(ehr_appointment()).encode())
                else:
                    while not stop.wait(0.02):
                        self.wfile.write(b" ")
                        self.wfile.flush()
            except OSError:
                pass

        def do_PUT(self) -> None:  # noqa: N802
            puts.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as base:
        try:
            yield f"{base}/fhir", puts
        finally:
            stop.set()  # before the shutdown: a dripping answer ends


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("huge", "larger than"),
        ("declared", "larger than"),
        ("bomb", "larger than"),
        ("drip", "took longer than"),
        ("redirect", "redirect"),
    ],
)
def test_a_hostile_fhir_answer_is_refused_not_read_forever(
    clock, riverside, patient, monkeypatch, mode, said
) -> None:
    """The EHR's answer is read up to a size and a time (the write-back's worker and the
    import both read through ``FhirClient.get``): a 17 MB or 10 GB appointment, or one sent a
    byte at a time, is refused with what was wrong, and nothing is written back."""
    monkeypatch.setattr(fhir_client, "DEADLINE", 0.5)
    visit = make_visit(riverside, patient)
    with hostile_fhir(mode) as (base, puts):
        riverside.fhir_base_url = base
        riverside.fhir_write_back = True
        riverside.save()
        cache.clear()
        # The visit came from this server (a write-back goes only there).
        Appointment.objects.filter(pk=visit.pk).update(
            fhir_server=fhir_client.server_fingerprint(base)
        )
        with pytest.raises(fhir_client.FhirFetchError, match=said):
            fhir_client.FhirClient(base).get(f"{base}/Appointment/o1")
        visit_confirm(appointment=Appointment.objects.get(pk=visit.pk), how="text", at=NOW)
        row = WriteBack.objects.get()
        assert write(row.pk, NOW) == WriteBackState.QUEUED
        assert puts == []
    row.refresh_from_db()
    assert said in row.last_error


def test_a_token_narrowed_to_one_practice_cannot_confirm_the_other_practices_visit(
    client, clock, org, riverside, lakeside, patient
) -> None:
    """A VA serving both practices, with a token for Lakeside only: Riverside's visit is a 404
    and stays unconfirmed; the same person's unnarrowed token confirms it."""
    from tests.conftest import person

    va = person(org, "va", ["support"], [riverside, lakeside])
    visit = _visit(riverside, patient, start_in=timedelta(days=1))
    narrowed = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=va, practices=[lakeside])[1]}"}
    url = f"/api/v1/visits/{visit.pk}/confirm"
    assert client.post(url, "{}", content_type=JSON, **narrowed).status_code == 404
    visit.refresh_from_db()
    assert visit.confirmed_at is None
    assert client.post(url, "{}", content_type=JSON, **_headers(va)).status_code == 200


def test_a_compressed_fhir_answer_is_read_whole(riverside) -> None:
    """Real FHIR servers compress their answers (the client asks for gzip): the body is read
    decompressed, and its limit counts what it decompresses to."""
    with hostile_fhir("gzip") as (base, _puts):
        data = fhir_client.FhirClient(base).get(f"{base}/Appointment/o1")
    assert data == ehr_appointment()


# --- Settings: a row the model refuses is said on the form, never a 500 -------------------------


def test_a_second_route_for_the_same_channel_and_category_is_refused_on_the_form(
    client, practice_admin, riverside
) -> None:
    """Settings → Rules, *Add a route* twice for texts about one category: the model's unique
    rule refused the second in ``full_clean`` and the page answered 500."""
    from django.urls import reverse

    from closeloop.practices.models import Category, ChannelRoute

    client.force_login(practice_admin)
    chosen = Category.objects.filter(practice=riverside, active=True).first()
    data = {"route-channel": "sms", "route-category": chosen.pk, "route-team": "support"}
    url = reverse("settings_route_add", args=[riverside.slug])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 422
    assert "already exists" in again.content.decode()
    assert ChannelRoute.objects.filter(practice=riverside).count() == 1
