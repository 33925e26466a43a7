"""The outbound-URL policy (issue 29 #8): a URL a practice admin configures (webhook endpoint,
the EHR's FHIR base URL) is refused when saved if its host resolves to a non-public address,
through every door that saves one, and again at every request, where the connection is made
to the very address that was checked (no second DNS answer in between)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from closeloop.appointments.client import FhirClient, FhirFetchError
from closeloop.webhooks.delivery import attempt_delivery
from closeloop.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.test_settings_pages import section_data, section_url

pytestmark = pytest.mark.django_db

PRIVATE_URLS = (
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://10.0.0.5/hook",
    "https://169.254.169.254/latest/meta-data",
)
PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def _no_loopback(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HTTP_LOOPBACK = False


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """``rebind.example.com`` answers a public address first and the server's own address
    after; every connection is recorded (and refused: no network in the tests)."""
    answers = iter([PUBLIC] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo
    connected: list[Any] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.example.com":
            return real(host, port, *args, **kwargs)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 443))]

    def connect(self: socket.socket, address: Any) -> None:
        connected.append(address)
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return connected


def test_a_webhook_to_a_private_address_is_refused_when_saved_in_settings(
    client: Any, practice_admin: Any, riverside: Any
) -> None:
    client.force_login(practice_admin)
    url = reverse("settings_webhook_add", args=[riverside.slug])
    for target in PRIVATE_URLS:
        page = client.post(url, {"webhook-url": target, "webhook-events": ["item.created"]})
        assert page.status_code == 422
        assert "resolves to a non-public address" in page.content.decode(), target
    assert not WebhookEndpoint.objects.exists()
    # A name that does not resolve yet is kept (refused at each request until it does).
    client.post(
        url, {"webhook-url": "https://hooks.example.invalid/x", "webhook-events": ["item.created"]}
    )
    assert WebhookEndpoint.objects.count() == 1


def test_a_fhir_url_to_a_private_address_is_refused_when_saved_in_settings(
    client: Any, practice_admin: Any, riverside: Any
) -> None:
    client.force_login(practice_admin)
    url = section_url(riverside, "integrations")
    for target in PRIVATE_URLS:
        data = section_data(riverside, "integrations", fhir_base_url=target)
        page = client.post(url, data)
        assert page.status_code == 422, target
        assert "resolves to a non-public address" in page.content.decode()
    riverside.refresh_from_db()
    assert riverside.fhir_base_url == ""


def test_the_admin_site_and_the_models_refuse_private_addresses_too(riverside: Any) -> None:
    request = RequestFactory().get("/")
    request.user = type("Root", (), {"is_superuser": True, "is_active": True})()
    form_class = admin.site._registry[WebhookEndpoint].get_form(request)
    for target in PRIVATE_URLS:
        form = form_class(
            data={
                "practice": riverside.pk,
                "url": target,
                "events": '["item.created"]',
                "created_at_0": "2026-11-17",
                "created_at_1": "10:00:00",
            }
        )
        assert not form.is_valid()
        assert "resolves to a non-public address" in str(form.errors.get("url")), form.errors
        riverside.fhir_base_url = target
        with pytest.raises(ValidationError, match="non-public address"):
            riverside.full_clean()


def test_a_webhook_saved_before_its_name_moved_is_refused_at_the_request(
    clock: Any, riverside: Any, make_item: Any, rebinding: list[Any]
) -> None:
    endpoint = WebhookEndpoint.objects.create(
        practice=riverside, url="https://rebind.example.com/hook", events=["item.created"]
    )
    make_item()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    attempt_delivery(delivery.pk)
    # The one answer checked (public) is the address connected to, never a second answer.
    assert rebinding == [(PUBLIC, 443)]
    attempt_delivery(delivery.pk)  # not due yet: backing off
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    attempt_delivery(delivery.pk)
    assert rebinding == [(PUBLIC, 443)]  # the name now answers 127.0.0.1: no connection
    last = WebhookAttempt.objects.filter(delivery=delivery).order_by("-pk").first()
    assert last is not None and "non-public address" in last.error


def test_the_fhir_client_connects_to_the_address_it_checked(
    riverside: Any, rebinding: list[Any]
) -> None:
    client = FhirClient("https://rebind.example.com/fhir", "tok")
    with pytest.raises(FhirFetchError):
        client.get("https://rebind.example.com/fhir/Appointment")
    assert rebinding == [(PUBLIC, 443)]
    with pytest.raises(FhirFetchError, match="non-public address"):
        client.get("https://rebind.example.com/fhir/Appointment")
    assert rebinding == [(PUBLIC, 443)]


@pytest.mark.parametrize(
    "target", ["[\x05ü\x0cÊ=Iúj'", "https://[::1/hook", "https://[not-an-ip]/x"]
)
def test_a_url_python_cannot_parse_is_refused_with_a_clear_error_not_a_500(
    client: Any, practice_admin: Any, riverside: Any, target: str
) -> None:
    """Found by the form fuzzing: an unbalanced '[' made ``urlsplit`` raise ("Invalid IPv6
    URL") and the webhook form answer 500; the settings section's FHIR URL goes through the
    same policy (a URL field puts "http://" before a text without a scheme)."""
    from closeloop.lib.netpolicy import url_problem

    assert url_problem(target)  # refused, whichever reason comes first
    assert url_problem("http://" + target.removeprefix("https://")) == "this is not a valid URL"
    client.force_login(practice_admin)
    url = reverse("settings_webhook_add", args=[riverside.slug])
    page = client.post(url, {"webhook-url": target, "webhook-events": ["item.created"]})
    assert page.status_code == 422
    assert "not a valid URL" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()
