"""Every export (CSV, PDF, the patient's JSON) and every file download is sent with
``Cache-Control: no-store``: patient data must not outlive the session in a browser's or a
proxy's cache. The exports are found by discovery — every URL whose view sends a download
(``as_download``, ``csv_response``, ``file_response``), and every API operation that answers
something other than JSON — so a new export without an entry below fails."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from closeloop.api.models import ApiToken
from closeloop.intake.models import Attachment, FileSource, FileState

pytestmark = pytest.mark.django_db

#: What a view's source says when it sends a download.
DOWNLOADS = ("as_download(", "csv_response(", "file_response(")

#: Each export URL: (method, its arguments, its query) from the objects of ``world``.
EXPORTS: dict[str, tuple[str, Callable[[dict[str, Any]], list[Any]], dict[str, str]]] = {
    "queue_csv": ("get", lambda w: [], {}),
    "chart_csv": ("get", lambda w: ["first_response"], {}),
    "weekly_review_csv": ("get", lambda w: [], {}),
    "weekly_review_pdf": ("get", lambda w: [], {}),
    "appointment_confirmations_csv": ("get", lambda w: [], {}),
    "audit": ("get", lambda w: [], {"format": "csv"}),
    "patient_audit": ("get", lambda w: [w["patient"].pk], {"format": "csv"}),
    "patient_export": ("post", lambda w: [w["patient"].pk], {}),
    "item_file": ("get", lambda w: [w["item"].pk, w["file"].pk], {}),
}


def _views(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def export_urls() -> set[str]:
    found = set()
    for name, view in _views(get_resolver().url_patterns):
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue  # a class-based or generated view (the admin site, ninja)
        if any(call in source for call in DOWNLOADS):
            found.add(name)
    return found


@pytest.fixture
def world(make_item: Any, patient: Any) -> dict[str, Any]:
    item = make_item("insurance_info", summary="Card photo")
    picture = Attachment.objects.create(
        practice=item.practice, item=item, source=FileSource.DEMO, state=FileState.STORED,
        content_type="image/png", size=12, data=b"\x89PNG\r\n\x1a\n" + b"demo",
    )  # fmt: skip
    return {"item": item, "patient": patient, "file": picture}


def test_every_export_url_is_in_the_table() -> None:
    found = export_urls()
    assert {"queue_csv", "weekly_review_pdf", "item_file"} <= found  # discovery works
    assert found == set(EXPORTS), "add the new export to EXPORTS (and send it with as_download)"


def test_every_export_is_sent_with_no_store(client, clock, world, supervisor) -> None:
    client.force_login(supervisor)
    for name, (method, args, query) in EXPORTS.items():
        url = reverse(name, args=args(world))
        response = client.get(url, query) if method == "get" else client.post(url, query)
        assert response.status_code == 200, (name, response.status_code)
        assert "attachment" in response["Content-Disposition"] or name == "item_file", name
        assert "no-store" in response.get("Cache-Control", ""), name


def test_every_api_download_is_sent_with_no_store(client, clock, world, supervisor) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    downloads = [
        path
        for path, methods in schema["paths"].items()
        for operation in methods.values()
        if any(
            kind != "application/json"
            for kind in operation["responses"].get("200", {}).get("content", {})
        )
    ]
    assert downloads == ["/api/v1/items/{item_id}/files/{file_id}"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=supervisor)[1]}"}
    for path in downloads:
        url = path.format(item_id=world["item"].pk, file_id=world["file"].pk)
        response = client.get(url, **headers)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
