"""A small FHIR server on 127.0.0.1 for the URL-mode tests: paged Bundles and Patient reads."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@contextmanager
def fhir_server(
    pages: list[list[dict[str, Any]]], patients: dict[str, dict[str, Any]]
) -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """Serves ``pages`` of resources as searchset Bundles linked by ``next``; yields the base
    URL and the log of (path, headers) requests."""
    log: list[tuple[str, dict[str, str]]] = []

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
            elif url.path.startswith("/fhir/Patient/"):
                patient = patients.get(url.path.rsplit("/", 1)[1])
                if patient is None:
                    self._send(404, {"resourceType": "OperationOutcome"})
                else:
                    self._send(200, patient)
            else:
                self._send(404, {"resourceType": "OperationOutcome"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/fhir", log
    finally:
        server.shutdown()
        server.server_close()
