"""The REST API: tokens, tenant scope, items, actions, idempotency, errors."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from closeloop.api.models import ApiToken
from closeloop.support_queue.models import EventCode, Status, SupportItem
from tests.conftest import Api, acknowledged, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, assistant) -> Api:
    return Api.of(client, assistant)


def new_item(**overrides: Any) -> dict[str, Any]:
    return {
        "practice": "riverside",
        "category": "scheduling",
        "channel": "phone",
        "summary": "Move Thursday's visit",
        "callback_number": "312-555-0190",
        **overrides,
    }


def test_requests_without_a_valid_token_are_401(client, assistant) -> None:
    assert client.get("/api/v1/items").status_code == 401
    bad = client.get("/api/v1/items", **bearer("cl_nope"))
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthorized"


def test_revoked_tokens_stop_working(client, assistant) -> None:
    token, raw = ApiToken.issue(user=assistant)
    api = Api(client, raw)
    assert api.get("/practices").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert api.get("/practices").status_code == 401


def test_tokens_are_stored_hashed(assistant) -> None:
    token, raw = ApiToken.issue(user=assistant)
    assert raw.startswith("cl_") and raw not in (token.digest, token.prefix)
    assert len(raw) > 40


def test_token_command_prints_a_token_once_and_revokes(assistant, capsys) -> None:
    call_command("token", "create", "--user", "assistant", "--practice", "riverside")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert raw.startswith("cl_") and list(token.practices.values_list("slug", flat=True)) == [
        "riverside"
    ]
    call_command("token", "revoke", str(token.pk))
    assert ApiToken.objects.live().count() == 0


def test_token_limited_to_one_practice_sees_only_it(
    client, clock, assistant, riverside, lakeside, lakeside_item, make_item
) -> None:
    assistant.staff.practices.add(lakeside)
    mine = make_item()
    everything = Api.of(client, assistant)
    assert {i["id"] for i in everything.get("/items").json()["items"]} == {
        mine.pk,
        lakeside_item.pk,
    }
    limited = Api(client, ApiToken.issue(user=assistant, practices=[riverside])[1])
    assert [i["id"] for i in limited.get("/items").json()["items"]] == [mine.pk]
    assert limited.get(f"/items/{lakeside_item.pk}").status_code == 404
    response = limited.post(f"/items/{lakeside_item.pk}/note", {"text": "x"})
    assert response.status_code == 404


def test_other_practices_objects_are_404(api, lakeside_item) -> None:
    assert api.get(f"/items/{lakeside_item.pk}").status_code == 404
    assert api.get(f"/items/{lakeside_item.pk}/timeline").status_code == 404
    assert api.post(f"/items/{lakeside_item.pk}/note", {"text": "x"}).status_code == 404
    assert api.get(f"/patients/{lakeside_item.patient_id}").status_code == 404
    assert api.post("/items", new_item(practice="lakeside")).status_code == 404
    assert api.get("/categories", practice="lakeside").json() == []
    assert [p["slug"] for p in api.get("/practices").json()] == ["riverside"]


def test_create_read_and_act_on_an_item(api, clock, assistant) -> None:
    created = api.post("/items", new_item())
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["status"], item["category"], item["callback_number"]) == (
        "new",
        "scheduling",
        "+13125550190",
    )
    item_id = item["id"]
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    acknowledged = api.post(
        f"/items/{item_id}/acknowledge", {"how": "call", "next_update_at": soon}
    )
    assert acknowledged.json()["status"] == "acknowledged"
    assert (
        api.post(f"/items/{item_id}/assign", {"team": "support", "owner_id": assistant.pk}).json()[
            "owner_id"
        ]
        == assistant.pk
    )
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    planned = api.post(
        f"/items/{item_id}/update-window",
        {"checking": "Slots", "next_step": "Book Thu", "update_at": later},
    )
    assert planned.status_code == 200 and planned.json()["next_step"] == "Book Thu"
    assert (
        api.post(f"/items/{item_id}/wait", {"waiting_on": "patient"}).json()["status"] == "waiting"
    )
    contact = {
        "direction": "outbound",
        "channel": "phone",
        "outcome": "reached",
        "gave_next_step": True,
    }
    # A contact on an open item renews the promise: the API asks for it like the page.
    refused = api.post(f"/items/{item_id}/contact", contact)
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "next_update_required"
    renewed = api.post(f"/items/{item_id}/contact", {**contact, "next_update_at": later})
    assert renewed.status_code == 200
    assert (
        api.post(f"/items/{item_id}/escalate", {"reason": "Third call"}).json()["escalated"] is True
    )
    assert (
        api.post(f"/items/{item_id}/resolve", {"outcome": "Booked"}).json()["status"] == "resolved"
    )
    assert (
        api.post(f"/items/{item_id}/reopen", {"reason": "Called again"}).json()["status"]
        == "acknowledged"
    )
    assert api.post(f"/items/{item_id}/note", {"text": "Left a message"}).status_code == 200
    timeline = api.get(f"/items/{item_id}/timeline").json()
    assert [e["code"] for e in timeline][:3] == [
        EventCode.CREATED,
        EventCode.ASSIGNED,  # automatic routing at intake
        EventCode.ACKNOWLEDGED,
    ]
    assert timeline[1]["text"].startswith("routed to support: category scheduling")
    assert timeline[0]["actor_id"] == assistant.pk


def test_lifecycle_refusals_are_409_with_what_is_missing(api, clock, make_item) -> None:
    item = make_item()
    response = api.post(f"/items/{item.pk}/resolve", {"outcome": "Done"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_resolvable" and "next step" in error["missing"][0]
    assert api.post(f"/items/{item.pk}/close").json()["error"]["code"] == "transition_not_allowed"


def test_bad_input_is_422_with_field_messages(api, clock, make_item) -> None:
    response = api.post("/items", new_item(channel="pigeon", summary=""))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "channel" in fields and "summary" in fields
    naive = api.post(
        f"/items/{make_item().pk}/update-window",
        {"checking": "a", "next_step": "b", "update_at": "2030-01-01T10:00:00"},
    )
    assert naive.status_code == 422 and "update_at" in naive.json()["error"]["fields"]
    assert api.post("/items", new_item(category="nope")).json()["error"]["code"] == "bad_category"
    assert api.post("/items", new_item(callback_number="12")).status_code == 422
    malformed = api.client.post(
        "/api/v1/items", "{not json", content_type="application/json", **api.headers
    )
    assert malformed.status_code in (400, 422)
    assert api.get("/items", cursor="!!!").status_code == 400
    assert api.get("/items", limit=0).status_code == 400


def test_idempotency_key_returns_the_same_item_and_refuses_a_different_body(api, clock) -> None:
    first = api.post("/items", new_item(), HTTP_IDEMPOTENCY_KEY="call-123")
    again = api.post("/items", new_item(), HTTP_IDEMPOTENCY_KEY="call-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert SupportItem.objects.count() == 1
    different = api.post(
        "/items", new_item(summary="Something else"), HTTP_IDEMPOTENCY_KEY="call-123"
    )
    assert different.status_code == 409
    assert SupportItem.objects.count() == 1
    # Another key is another request (the same caller's again would join the first: a repeat).
    again = api.post("/items", new_item(new_item=True), HTTP_IDEMPOTENCY_KEY="call-124")
    assert again.status_code == 201


def test_list_filters_and_cursor_pagination(api, clock, make_item, assistant) -> None:
    items = [make_item(summary=f"n{n}") for n in range(5)]
    acknowledged(items[0], assistant)
    page = api.get("/items", limit=2).json()
    assert [i["summary"] for i in page["items"]] == ["n0", "n1"]
    rest = api.get("/items", limit=2, cursor=page["next_cursor"]).json()
    assert [i["summary"] for i in rest["items"]] == ["n2", "n3"]
    last = api.get("/items", limit=2, cursor=rest["next_cursor"]).json()
    assert [i["summary"] for i in last["items"]] == ["n4"] and last["next_cursor"] is None
    assert [i["id"] for i in api.get("/items", status="acknowledged").json()["items"]] == [
        items[0].pk
    ]
    assert len(api.get("/items", category="billing").json()["items"]) == 0
    future = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert api.get("/items", updated_since=future).json()["items"] == []


def test_list_pages_in_id_windows_skip_other_practices_rows(
    api, clock, make_item, lakeside_item, monkeypatch
) -> None:
    """Pages are read in doubling id windows (so SQLite walks the primary key): tiny windows
    and another practice's rows in between change nothing in what a page holds."""
    import closeloop.api.api as api_module

    monkeypatch.setattr(api_module, "ID_WINDOW", 1)
    ours = [make_item(summary=f"w{n}") for n in range(3)]
    page = api.get("/items", limit=2).json()
    assert [i["id"] for i in page["items"]] == [ours[0].pk, ours[1].pk]
    rest = api.get("/items", limit=2, cursor=page["next_cursor"]).json()
    assert [i["id"] for i in rest["items"]] == [ours[2].pk] and rest["next_cursor"] is None
    assert lakeside_item.pk not in {i["id"] for i in page["items"] + rest["items"]}


def test_patients_search_create_read(api, riverside) -> None:
    created = api.post(
        "/patients",
        {
            "practice": "riverside",
            "first_name": "Lia",
            "last_name": "Chen",
            "phone": "(312) 555-0123",
        },
    )
    assert created.status_code == 201 and created.json()["phone"] == "+13125550123"
    found = api.get("/patients", q="0123").json()
    assert [p["id"] for p in found] == [created.json()["id"]]
    assert api.get(f"/patients/{created.json()['id']}").json()["last_name"] == "Chen"
    bad = api.post(
        "/patients", {"practice": "riverside", "first_name": "A", "last_name": "B", "phone": "12"}
    )
    assert bad.status_code == 422 and "phone" in bad.json()["error"]["fields"]


def test_categories_and_practices(api) -> None:
    categories = api.get("/categories").json()
    assert len(categories) == 10 and {c["practice"] for c in categories} == {"riverside"}


def test_openapi_schema_and_docs_are_served(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for action in (
        "acknowledge",
        "note",
        "contact",
        "update-window",
        "assign",
        "wait",
        "escalate",
        "resolve",
        "reopen",
        "close",
    ):
        assert f"/api/v1/items/{{item_id}}/{action}" in paths, action
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content  # vendored, no CDN


def test_status_codes_stay_codes(api, clock, make_item) -> None:
    item = make_item()
    assert api.get(f"/items/{item.pk}").json()["status"] == Status.NEW.value


def test_ids_beyond_64_bits_are_404_not_500(api) -> None:
    huge = 2**70
    assert api.get(f"/items/{huge}").status_code == 404
    assert api.get(f"/patients/{huge}").status_code == 404
    assert api.post(f"/items/{huge}/note", {"text": "x"}).status_code == 404
    assert api.get("/items", owner_id=huge).status_code == 422
    cursor = base64.urlsafe_b64encode(str(huge).encode()).decode().rstrip("=")
    assert api.get("/items", cursor=cursor).status_code == 400


def test_every_api_error_is_json_and_too_large_is_413(api, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = api.post("/items", new_item(summary="x" * 20_000))
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "too_large"
    missing = api.get("/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "http_404"
    wrong = api.client.delete("/api/v1/practices", **api.headers)
    assert wrong.status_code == 405 and "error" in wrong.json()


def test_odd_values_are_refused_with_a_clear_422(api, clock) -> None:
    half = api.get("/items", updated_since="0.5")
    assert half.status_code == 422, half.content
    for born in ("0001-01-01", "9999-12-31"):
        created = api.post(
            "/patients",
            {"practice": "riverside", "first_name": "Ana", "last_name": "Ruiz",
             "date_of_birth": born},
        )  # fmt: skip
        assert created.status_code == 422, (born, created.content)
        assert "date_of_birth" in created.content.decode()
    as_text = api.client.post(
        "/api/v1/items", json.dumps(new_item()), content_type="text/plain", **api.headers
    )
    assert as_text.status_code == 415
    assert as_text.json()["error"]["code"] == "unsupported_media_type"
