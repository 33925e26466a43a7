"""Outbound webhooks: queued in the transaction, signed, claimed once, retried, recorded."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Team
from closeloop.support_queue import lifecycle
from closeloop.webhooks.delivery import MAX_ATTEMPTS, attempt_delivery, redrive_deliveries
from closeloop.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from tests.conftest import acknowledged, serving

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with serving(Handler) as base:
        yield state, f"{base}/hook"


@pytest.fixture
def endpoint(riverside, receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        practice=riverside,
        url=receiver[1],
        events=["item.created", "item.status_changed", "item.resolved"],
    )


def test_endpoints_must_use_https(riverside) -> None:
    for url in ("http://example.com/hook", "ftp://example.com/x"):
        with pytest.raises(ValidationError, match="https"):
            WebhookEndpoint(practice=riverside, url=url, events=["item.created"]).full_clean()
    WebhookEndpoint(
        practice=riverside, url="https://example.com/hook", events=["item.created"]
    ).full_clean()
    with pytest.raises(ValidationError, match="choose events"):
        WebhookEndpoint(
            practice=riverside, url="https://example.com/h", events=["item.eaten"]
        ).full_clean()


def test_deliveries_are_queued_in_the_same_transaction(clock, endpoint, make_item) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        make_item()
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request failed after the change")
    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    make_item()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "item.created" and delivery.state == DeliveryState.PENDING
    assert DBTaskResult.objects.get().args_kwargs["args"] == [delivery.pk]


def test_delivery_is_signed_and_carries_no_patient_details(
    clock, endpoint, receiver, make_item, patient
) -> None:
    item = make_item(summary="Private words from the patient")
    delivery = WebhookDelivery.objects.get()
    assert attempt_delivery(delivery.pk) == DeliveryState.DELIVERED
    (request,) = receiver[0].requests
    body = request["body"]
    timestamp, signature = (
        part.split("=", 1)[1] for part in request["headers"]["X-Closeloop-Signature"].split(",")
    )
    expected = hmac.new(
        endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert request["headers"]["X-Closeloop-Delivery"] == delivery.idempotency_key
    payload = json.loads(body)
    assert payload["item"]["id"] == item.pk and payload["event"] == "item.created"
    text = body.decode()
    for private in (patient.first_name, patient.last_name, patient.phone, "Private words"):
        assert private not in text
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.log.get().status_code == 200


def test_status_changes_and_resolution_emit_their_events(
    clock, endpoint, make_item, assistant
) -> None:
    item = make_item()
    acknowledged(item, assistant)
    lifecycle.item_add_note(item=item, actor=assistant, text="no event for notes")
    assert list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True)) == [
        "item.created",
        "item.status_changed",
    ]


def test_failures_back_off_then_give_up(clock, endpoint, receiver, make_item) -> None:
    receiver[0].status = 500
    make_item()
    delivery = WebhookDelivery.objects.get()
    assert attempt_delivery(delivery.pk) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == timezone.now() + timedelta(seconds=30)
    assert attempt_delivery(delivery.pk) == "not-due"  # not before its time
    for _ in range(MAX_ATTEMPTS - 1):
        clock.shift(timedelta(hours=7))
        attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.log.count() == MAX_ATTEMPTS and len(receiver[0].requests) == MAX_ATTEMPTS


def test_a_claimed_delivery_is_not_sent_twice_until_its_claim_goes_stale(
    clock, endpoint, receiver, make_item
) -> None:
    make_item()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING, claimed_at=timezone.now()
    )
    assert attempt_delivery(delivery.pk) == "not-due"
    assert redrive_deliveries() == 0 and receiver[0].requests == []
    clock.shift(timedelta(minutes=3))  # the worker that claimed it died
    assert redrive_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and len(receiver[0].requests) == 1


def test_endpoints_of_other_practices_hear_nothing(clock, lakeside, receiver, make_item) -> None:
    WebhookEndpoint.objects.create(practice=lakeside, url=receiver[1], events=["item.created"])
    make_item()
    assert not WebhookDelivery.objects.exists()


def test_private_network_destinations_are_refused(clock, riverside, make_item, settings) -> None:
    settings.OUTBOUND_ALLOW_HTTP_LOOPBACK = False
    WebhookEndpoint.objects.create(
        practice=riverside, url="https://127.0.0.1/hook", events=["item.created"]
    )
    make_item()
    delivery = WebhookDelivery.objects.get()
    attempt_delivery(delivery.pk)
    assert "non-public address" in delivery.log.get().error


def test_routing_emits_no_webhook(clock, endpoint, make_item, assistant) -> None:
    item = make_item()
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    assert WebhookDelivery.objects.count() == 1


def test_escalations_made_by_the_sweep_send_the_escalated_webhook(
    clock, riverside, receiver, make_item, assistant
) -> None:
    WebhookEndpoint.objects.create(practice=riverside, url=receiver[1], events=["item.escalated"])
    item = acknowledged(make_item(), assistant, after=timedelta(hours=1))
    clock.shift(timedelta(hours=3))  # the promise passed, then its grace: escalated
    assert sweep().handled["promise_escalation"] == 1
    (delivery,) = WebhookDelivery.objects.filter(event="item.escalated")
    assert delivery.payload["item"]["id"] == item.pk and delivery.payload["item"]["escalated"]
    assert delivery.payload["changes"]["escalated"] == {"old": False, "new": True}
    # A deadline that does not escalate sends nothing of the kind.
    other = acknowledged(make_item(summary="second"), assistant, after=timedelta(minutes=30))
    clock.shift(timedelta(minutes=31))
    sweep()
    assert not WebhookDelivery.objects.filter(
        event="item.escalated", payload__item__id=other.pk
    ).exists()
