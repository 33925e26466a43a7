"""A small FHIR server on 127.0.0.1 for the URL-mode tests: paged Bundles and Patient reads,
and, with a ``Store``, Appointment reads and updates (PUT, with If-Match on the version; PATCH
is refused with 405 as servers that do not support it do) — or, in the store's ``"forbid"``
mode, every write refused with 403 (no write access), in ``"fail"`` mode with 503."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import serving


@dataclass
class Store:
    """Appointments by id (their ``meta.versionId`` goes up with each write), the mode, and
    every write the server accepted (the resource as written)."""

    appointments: dict[str, dict[str, Any]] = field(default_factory=dict)
    mode: str = "accept"
    written: list[dict[str, Any]] = field(default_factory=list)
    writes_tried: int = 0

    def version(self, appointment_id: str) -> str:
        return str(
            self.appointments[appointment_id].setdefault("meta", {}).setdefault("versionId", "1")
        )


@contextmanager
def fhir_server(
    pages: list[list[dict[str, Any]]],
    patients: dict[str, dict[str, Any]],
    store: Store | None = None,
) -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """Serves ``pages`` of resources as searchset Bundles linked by ``next``; yields the base
    URL and the log of (path, headers) requests."""
    log: list[tuple[str, dict[str, str]]] = []
    store = store if store is not None else Store()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            log.append((self.path, dict(self.headers)))
            url = urlsplit(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"
            if url.path == "/fhir/Appointment":
                page = int(parse_qs(url.query).get("page", ["0"])[0])
                bundle: dict[str, Any] = {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "link": [{"relation": "self", "url": base + self.path[5:]}],
                    "entry": [
                        {
                            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                            "resource": r,
                            "search": {
                                "mode": "match" if r["resourceType"] == "Appointment" else "include"
                            },
                        }
                        for r in pages[page]
                    ],
                }
                if page + 1 < len(pages):
                    query = parse_qs(url.query)
                    query["page"] = [str(page + 1)]
                    pairs = "&".join(f"{k}={v}" for k, vs in query.items() for v in vs)
                    bundle["link"].append(
                        {"relation": "next", "url": f"{base}/Appointment?{pairs}"}
                    )
                self._send(200, bundle)
            elif url.path.startswith("/fhir/Appointment/"):
                appointment_id = url.path.rsplit("/", 1)[1]
                with lock:
                    if appointment_id in store.appointments:
                        store.version(appointment_id)
                        self._send(200, store.appointments[appointment_id])
                    else:
                        self._send(404, {"resourceType": "OperationOutcome"})
            elif url.path.startswith("/fhir/Patient/"):
                patient = patients.get(url.path.rsplit("/", 1)[1])
                if patient is None:
                    self._send(404, {"resourceType": "OperationOutcome"})
                else:
                    self._send(200, patient)
            else:
                self._send(404, {"resourceType": "OperationOutcome"})

        def do_PUT(self) -> None:  # noqa: N802
            log.append((f"PUT {self.path}", dict(self.headers)))
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            appointment_id = urlsplit(self.path).path.rsplit("/", 1)[1]
            with lock:
                store.writes_tried += 1
                if store.mode in ("forbid", "fail"):
                    self._send(
                        403 if store.mode == "forbid" else 503, {"resourceType": "OperationOutcome"}
                    )
                    return
                if appointment_id not in store.appointments:
                    self._send(404, {"resourceType": "OperationOutcome"})
                    return
                match = self.headers.get("If-Match", "")
                if match and match != f'W/"{store.version(appointment_id)}"':
                    self._send(412, {"resourceType": "OperationOutcome"})
                    return
                resource = json.loads(body)
                version = int(store.version(appointment_id)) + 1
                resource.setdefault("meta", {})["versionId"] = str(version)
                store.appointments[appointment_id] = resource
                store.written.append(resource)
                self._send(200, resource)

        def do_PATCH(self) -> None:  # noqa: N802
            log.append((f"PATCH {self.path}", dict(self.headers)))
            with lock:
                store.writes_tried += 1
            self._send(403 if store.mode == "forbid" else 405, {"resourceType": "OperationOutcome"})

    with serving(Handler) as base:
        yield f"{base}/fhir", log
