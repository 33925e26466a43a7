"""Named people and practices for every test, and the helpers tests share.

Riverside (Chicago) is served by ``assistant`` (support), ``nurse`` (clinical) and
``supervisor``; Lakeside (New York) by ``outsider`` only. ``billing`` serves Riverside with the
billing skill; ``practice_admin`` (Pat, ``padmin``) and ``org_admin`` (Olga, ``oadmin``) administer.

Shared helpers: ``person`` and ``sign_in`` (accounts with a real password and the login form),
``bearer``/``api_auth``/``Api`` (the API's token header), ``texts`` (the SMS that left),
``free_port``, ``one_per_role`` and the item builders (``planned``, ``told``, ``resolved``).
Browser tests have theirs in ``tests/browser/conftest.py`` (``login``, ``open_action``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from closeloop.api.models import ApiToken
from closeloop.lib.classify import classify
from closeloop.lib.redflags import find_red_flags
from closeloop.patients.services import patient_create
from closeloop.practices import config
from closeloop.practices.choices import Role, Skill
from closeloop.practices.models import Category, Organization, Practice
from closeloop.practices.services import practice_create, staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    ReceiptHow,
    SupportItem,
)

# A Tuesday, 10:00 in Chicago (16:00 UTC): the office is open.
TUESDAY_10AM_CHICAGO = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_practice_config() -> None:
    """Each test starts with nothing cached of practices' configuration (``practices.config``):
    a test's practice may reuse the id of an earlier test's, rolled back."""
    config.reset()


@pytest.fixture
def fresh_cache() -> Any:
    """The cache (rate limits, practices' settings) empty before and after the test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(TUESDAY_10AM_CHICAGO, tick=False) as traveller:
        yield traveller


@pytest.fixture
def org(db: Any) -> Organization:
    # Two-factor sign-in is on by default for real organizations; the tests of other behaviour
    # sign in without it (test_security.py covers the second step with require_mfa on).
    return Organization.objects.create(name="Test Support Org", slug="test-org", require_mfa=False)


@pytest.fixture
def riverside(org: Organization) -> Practice:
    return practice_create(
        organization=org,
        name="Riverside",
        slug="riverside",
        timezone="America/Chicago",
        phone="+13125550100",
    )


@pytest.fixture
def lakeside(org: Organization) -> Practice:
    return practice_create(
        organization=org,
        name="Lakeside",
        slug="lakeside",
        timezone="America/New_York",
        phone="+12125550100",
    )


def _person(
    org: Organization, username: str, roles: list[str], practices: list[Practice], **kw: Any
) -> Any:
    return staff_create(
        organization=org, username=username, password="pw", roles=roles, practices=practices, **kw
    )


#: A password the validators accept, for the people of the account and administration tests.
PASSWORD = "correct horse battery staple"


def person(
    org: Organization, username: str, roles: list[str], practices: list[Practice], **kw: Any
) -> Any:
    """A member of staff with ``PASSWORD``, an email address and a first name (``username``
    capitalised unless given)."""
    kw.setdefault("email", f"{username}@example.com")
    kw.setdefault("first_name", username.capitalize())
    return staff_create(
        organization=org, username=username, password=PASSWORD, roles=roles, practices=practices,
        **kw,
    )  # fmt: skip


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    """The login form posted as a browser would (django-axes counts attempts per address)."""
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="127.0.0.9"
    )


@pytest.fixture
def assistant(org: Organization, riverside: Practice) -> Any:
    return _person(org, "assistant", [Role.SUPPORT], [riverside], languages=["en", "es"])


@pytest.fixture
def nurse(org: Organization, riverside: Practice) -> Any:
    return _person(org, "nurse", [Role.CLINICAL], [riverside], skills=[Skill.TRIAGE])


@pytest.fixture
def supervisor(org: Organization, riverside: Practice) -> Any:
    return _person(org, "supervisor", [Role.SUPERVISOR], [riverside])


@pytest.fixture
def billing(org: Organization, riverside: Practice) -> Any:
    return _person(org, "billing", [Role.SUPPORT], [riverside], skills=[Skill.BILLING])


#: Every role staff can hold, for the matrices that try each.
ROLES = [
    Role.SUPPORT,
    Role.FRONT_DESK,
    Role.CLINICAL,
    Role.SUPERVISOR,
    Role.PRACTICE_ADMIN,
    Role.ORG_ADMIN,
]


def one_per_role(org: Organization, practice: Practice, prefix: str) -> dict[str, Any]:
    """One person of each of ``ROLES`` at ``practice``, named ``{prefix}-{role}``."""
    return {
        role: staff_create(
            organization=org,
            username=f"{prefix}-{role}",
            password="correct horse battery",
            roles=[role],
            practices=[practice],
        )
        for role in ROLES
    }


@pytest.fixture
def practice_admin(org: Organization, riverside: Practice) -> Any:
    """Pat, practice admin of Riverside (username ``padmin``)."""
    return person(org, "padmin", [Role.PRACTICE_ADMIN], [riverside], first_name="Pat")


@pytest.fixture
def org_admin(org: Organization, riverside: Practice) -> Any:
    """Olga, organization admin (username ``oadmin``), working at Riverside."""
    return person(org, "oadmin", [Role.ORG_ADMIN], [riverside], first_name="Olga")


@pytest.fixture
def outsider(org: Organization, lakeside: Practice) -> Any:
    return _person(org, "outsider", [Role.SUPPORT, Role.CLINICAL], [lakeside])


@pytest.fixture
def patient(riverside: Practice) -> Any:
    return patient_create(
        practice=riverside, first_name="Ana", last_name="Lopez", phone="(312) 555-0142"
    )


def category(practice: Practice, code: str) -> Category:
    return Category.objects.get(practice=practice, code=code)


@pytest.fixture
def make_item(riverside: Practice, patient: Any, assistant: Any) -> Any:
    def make(code: str = "scheduling", channel: str = Channel.VOICEMAIL, **kw: Any) -> SupportItem:
        return lifecycle.item_create(
            practice=riverside,
            category=category(riverside, code),
            channel=channel,
            actor=kw.pop("actor", assistant),
            summary=kw.pop("summary", "Needs to move an appointment"),
            patient=kw.pop("patient", patient),
            **kw,
        )

    return make


@pytest.fixture
def lakeside_item(clock: Any, lakeside: Practice, outsider: Any) -> SupportItem:
    """An item of the other practice: what isolation tests must never reveal."""
    other = patient_create(
        practice=lakeside, first_name="Bo", last_name="Kim", phone="212-555-0111"
    )
    return lifecycle.item_create(
        practice=lakeside,
        category=category(lakeside, "billing"),
        channel=Channel.PORTAL,
        actor=outsider,
        summary="Lakeside statement question",
        patient=other,
    )


# --- the API --------------------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    """The API's ``Authorization`` header for Django's test client (``**bearer(raw)``)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_auth(user: Any, **issue: Any) -> dict[str, str]:
    """A fresh token of ``user``'s (``ApiToken.issue``'s options), as the header to send."""
    return bearer(ApiToken.issue(user=user, **issue)[1])


class Api:
    """Django's test client speaking to ``/api/v1`` with a token's header and JSON bodies."""

    def __init__(self, client: Any, token: str) -> None:
        self.client, self.headers = client, bearer(token)

    @classmethod
    def of(cls, client: Any, user: Any) -> Api:
        """With a fresh token of ``user``'s."""
        return cls(client, ApiToken.issue(user=user)[1])

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, **self.headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            "/api/v1" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            **self.headers,
            **headers,
        )


# --- builders: items in the states tests start from -------------------------------------------


#: For tests on the wall clock (browser tests): a promise that may fall at night is explained,
#: as a practice with an evening shift would (the reason is kept only when it is needed).
EVENING = "The evening shift calls back after hours."


def planned(
    item: SupportItem,
    actor: Any,
    *,
    owner: Any = None,
    after: timedelta = timedelta(hours=2),
    acknowledge: bool = False,
    checking: str = "Open slots",
    next_step: str = "Book Thursday",
    after_hours_reason: str = "",
) -> SupportItem:
    """Owned by ``owner`` (default: ``actor``) on its team, with what we are checking, a next
    step and an update promised ``after`` from now (optionally acknowledged first; a promise
    outside business hours needs ``after_hours_reason``)."""
    item = lifecycle.item_assign(item=item, actor=actor, owner=owner or actor, team=item.team)
    if acknowledge:
        item = lifecycle.item_acknowledge(
            item=item,
            actor=actor,
            how=ReceiptHow.CALL,
            next_update_at=timezone.now() + after,
            after_hours_reason=after_hours_reason,
        )
    return lifecycle.item_set_update_window(
        item=item,
        actor=actor,
        checking=checking,
        next_step=next_step,
        update_at=timezone.now() + after,
        after_hours_reason=after_hours_reason,
    )


def acknowledged(
    item: SupportItem,
    actor: Any,
    *,
    after: timedelta = timedelta(hours=2),
    after_hours_reason: str = "",
) -> SupportItem:
    """Receipt confirmed by phone, with an update promised ``after`` from now."""
    return lifecycle.item_acknowledge(
        item=item,
        actor=actor,
        how=ReceiptHow.CALL,
        next_update_at=timezone.now() + after,
        after_hours_reason=after_hours_reason,
    )


def told(
    item: SupportItem, actor: Any, *, next_update_at: Any = None, after_hours_reason: str = ""
) -> SupportItem:
    """A call in which the patient was given the current next step: as the last call before
    resolving (no new promise), or with ``next_update_at`` renewing the promise."""
    return lifecycle.item_log_contact(
        item=item,
        actor=actor,
        direction=Direction.OUTBOUND,
        channel=Channel.PHONE,
        outcome=ContactOutcome.REACHED,
        gave_next_step=True,
        next_update_at=next_update_at,
        resolving=next_update_at is None,
        after_hours_reason=after_hours_reason,
    )


def resolved(
    item: SupportItem, actor: Any, *, confirmed: bool = False, outcome: str = "Done"
) -> SupportItem:
    """Planned by ``actor``, the next step given, and resolved (a complaint with its recovery
    action: ``actor`` must then be a supervisor, whose call is the callback)."""
    item = told(planned(item, actor), actor)
    return lifecycle.item_resolve(
        item=item,
        actor=actor,
        outcome=outcome,
        patient_confirmed=confirmed,
        recovery_action="Apologised and rebooked" if item.is_complaint else "",
    )


@pytest.fixture
def texts(settings: Any, tmp_path: Any) -> Any:
    """The texts that actually left (the file transport the demo uses), oldest first."""
    settings.SMS_BACKEND = "file"
    settings.OUTBOX_DIR = tmp_path

    def sent() -> list[dict[str, Any]]:
        path = tmp_path / "sms.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    return sent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def locked_out(user: Any) -> None:
    """``user``'s sign-in locked, as django-axes leaves it after too many failures."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    AccessAttempt.objects.create(
        username=user.get_username(), ip_address="127.0.0.9", user_agent="test", get_data="",
        post_data="", http_accept="", path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT, attempt_time=timezone.now(),
    )  # fmt: skip


def named_routes(
    patterns: list[Any] | None = None, namespace: str = ""
) -> Iterator[tuple[str, list[str], str]]:
    """Each named URL of the URL conf (the matrices find the routes themselves, so a new one
    cannot be left out): its namespaced name, its parameters and its view's module."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            params = list(getattr(pattern.pattern, "converters", {})) or list(
                pattern.pattern.regex.groupindex
            )
            yield f"{namespace}{pattern.name}", params, getattr(pattern.callback, "__module__", "")


def client_as(user: Any) -> Client:
    """A test client signed in as ``user`` (no sign-in form: ``sign_in`` posts it)."""
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` answering on a free loopback port from a background thread (a fake Twilio,
    EHR or webhook receiver): yields its base URL, ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def doubtful_video_visit(practice: Practice, candidate: Any, **fields: Any) -> Any:
    """A visit every visit action applies to: a video visit tomorrow, asked to confirm, its
    patient doubtful between ``candidate`` and a new one (``fields`` override, e.g. the EHR's
    ``patient_details`` a new patient is made from)."""
    from closeloop.appointments.models import Appointment, Match, Mode

    now = timezone.now()
    return Appointment.objects.create(**{
        "practice": practice, "source": "csv", "external_id": "v1", "match": Match.DOUBTFUL,
        "patient_candidates": [candidate.pk], "start": now + timedelta(days=1),
        "status": "booked", "mode": Mode.TELEHEALTH, "kind": "Video visit", "fingerprint": "x",
        "imported_at": now, "updated_at": now, "confirmation_asked_at": now - timedelta(days=1),
        **fields,
    })  # fmt: skip


#: The bound on reading one hostile message (100 KB): generous, since the machine may be busy;
#: what it catches is time that grows with the square of the length (tens of seconds).
HOSTILE_SECONDS = 5.0


def assert_read_in_linear_time(text: str) -> None:
    """The red-flag rules and the whole triage each read ``text`` within ``HOSTILE_SECONDS``."""
    for read in (find_red_flags, classify):
        began = time.perf_counter()
        read(text)
        assert time.perf_counter() - began < HOSTILE_SECONDS, read.__name__
