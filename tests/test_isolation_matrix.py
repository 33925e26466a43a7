"""Tenant isolation on every endpoint, found by discovery rather than listed by hand.

Every URL pattern (from the URL resolver, the admin site included) and every API operation
(from the OpenAPI schema) is requested, by GET and by POST, as each role of Riverside — and as
a person serving Riverside and a third practice — against Lakeside's objects; the Settings
pages about a person, against a Lakeside-only colleague and one serving Riverside and Lakeside
who owns a Lakeside item; the demo outbox, holding Lakeside's texts and emails. Lakeside's
data carries a marker word; it must never appear in a response, object URLs must answer
403/404/405 (or the admin's redirect), and Lakeside's rows must be unchanged afterwards. A
positive control shows the same requests do reveal Riverside's own data, so the test can
fail. A new endpoint is covered without editing this file; a new URL parameter name makes it
fail until a value is given below.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.forms.models import model_to_dict
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from closeloop.actions.registry import ACTIONS
from closeloop.appointments.models import Appointment, Match, Mode
from closeloop.core.sms import Account, send_sms
from closeloop.intake.models import Attachment, FileSource, FileState
from closeloop.outreach.models import OutreachPlan
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role
from closeloop.practices.models import ChannelRoute, Holiday, OnCallShift, Practice
from closeloop.practices.services import practice_create, staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import deliver, notify
from closeloop.support_queue.models import AlertKind, Channel, SupportItem
from closeloop.team.models import PlaybookEntry, SavedView
from closeloop.webhooks.models import WebhookEndpoint
from tests.conftest import api_auth, category, named_routes, one_per_role

pytestmark = pytest.mark.django_db

MARKER = "Zebrafish"
OWN_MARKER = "Kingfisher"
#: The persona beside the roles: a person serving Riverside and Hillside.
TWO_PRACTICES = "two_practices"
#: Object URLs answer one of these to an outsider (the admin redirects to its index).
REFUSED = {403, 404, 405}


def world_of(practice: Practice, marker: str, by: Any) -> dict[str, Any]:
    patient = patient_create(
        practice=practice, first_name=marker, last_name=marker, phone="312-555-0177", mrn=marker
    )
    item = lifecycle.item_create(
        practice=practice,
        category=category(practice, "billing"),
        channel=Channel.PORTAL,
        actor=by,
        summary=f"{marker} statement question",
        details=f"{marker} details",
        patient=patient,
    )
    lifecycle.item_add_note(item=item, actor=by, text=f"{marker} note")
    appointment = Appointment.objects.create(
        practice=practice, source="csv", external_id=marker, patient=patient, match=Match.MATCHED,
        start=timezone.now() + timedelta(days=1), status="booked", mode=Mode.TELEHEALTH,
        kind=f"{marker} visit", fingerprint="x", imported_at=timezone.now(),
        updated_at=timezone.now(),
    )  # fmt: skip
    webhook = WebhookEndpoint.objects.create(practice=practice, url="https://example.com/hook")
    # A picture the patient sent: its bytes carry the marker (they must never be served).
    picture = Attachment.objects.create(
        practice=practice, item=item, source=FileSource.DEMO, state=FileState.STORED,
        content_type="image/png", data=b"\x89PNG\r\n\x1a\n" + marker.encode(),
    )  # fmt: skip
    start = timezone.now()
    return {
        "patient": patient, "item": item, "appointment": appointment, "webhook": webhook,
        "picture": picture,
        "holiday": Holiday.objects.create(practice=practice, date=start.date(), name=marker),
        "route": ChannelRoute.objects.create(practice=practice, channel="sms", team="support"),
        "shift": OnCallShift.objects.create(
            practice=practice, clinician=by, starts_at=start, ends_at=start + timedelta(hours=8)
        ),
        "category": category(practice, "billing"),
        "playbook": PlaybookEntry.objects.create(
            practice=practice, section="fax", title=f"{marker} fax", body=f"{marker} 555-0199"
        ),
        "view": SavedView.objects.create(
            owner=by, organization=practice.organization, name=marker, query="tab=open"
        ),
        "outreach": OutreachPlan.objects.create(practice=practice, kind=f"{marker} visit"),
    }  # fmt: skip


def outbox_of(world: dict[str, Any], marker: str, outbox: Path, by: Any) -> None:
    """What the demo "sent" about ``world``'s item: a text and an email to the patient, an
    on-call page by text and an alert by email (in the demo's outbox folder)."""
    item = world["item"]
    with override_settings(
        SMS_BACKEND="file", OUTBOX_DIR=outbox, EMAIL_FILE_PATH=outbox / "email",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    ):  # fmt: skip
        account = Account("", "", "+13125550100")
        send_sms(account, to="+13125550177", body=f"{marker} text", what=f"item {item.pk}")
        EmailMessage(
            f"{marker} subject", f"{marker} body", to=[f"{marker}@example.com"],
            headers={"Message-ID": f"<item-{item.pk}.ab12@closeloop>"},
        ).send()  # fmt: skip
        (alert,) = notify([by], item, AlertKind.ON_CALL)
        send_sms(account, to="+13125550188", body=f"{marker} page", what=f"alert {alert.pk}")
        by.email = f"{marker}@example.org"
        by.save()
        (alert,) = notify([by], item, AlertKind.HANDOFF)
        deliver(alert.deliveries.values_list("pk", flat=True))


@pytest.fixture
def setup(org, riverside, lakeside, outsider, assistant, settings, tmp_path) -> dict[str, Any]:
    users = one_per_role(org, riverside, "r")
    # A person serving Riverside and a third practice: the union never reaches Lakeside.
    hillside = practice_create(
        organization=org, name="Hillside", slug="hillside", timezone="America/Denver",
        phone="+17205550100",
    )  # fmt: skip
    users[TWO_PRACTICES] = staff_create(
        organization=org, username="r-two-practices", password="correct horse battery",
        roles=[Role.SUPPORT, Role.CLINICAL], practices=[riverside, hillside],
    )  # fmt: skip
    # A colleague of Riverside and Lakeside who owns a Lakeside item: what a Riverside admin's
    # staff pages about her must not reveal.
    both = staff_create(
        organization=org, username="maria", password="correct horse battery",
        roles=[Role.SUPPORT], practices=[riverside, lakeside],
    )  # fmt: skip
    item = lifecycle.item_create(
        practice=lakeside, category=category(lakeside, "billing"), channel=Channel.PORTAL,
        actor=both, summary=f"{MARKER} refund", patient=patient_create(
            practice=lakeside, first_name=MARKER, last_name="Two", phone="212-555-0178"
        ),
    )  # fmt: skip
    lifecycle.item_assign(item=item, actor=both, owner=both, team=item.team)
    theirs = world_of(lakeside, MARKER, outsider)
    ours = world_of(riverside, OWN_MARKER, assistant)
    settings.CLOSELOOP_ENV = "demo"  # the outbox page exists
    settings.OUTBOX_DIR = tmp_path
    outbox_of(theirs, MARKER, tmp_path, outsider)
    outbox_of(ours, OWN_MARKER, tmp_path, assistant)
    return {
        "users": users,
        "theirs": theirs,
        "ours": ours,
        "outsider": outsider,
        "both": both,
        "lakeside": lakeside,
    }


def admin_model(name: str) -> Any:
    """``admin:practices_category_change`` -> Category."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def instance_of(model: Any, world: dict[str, Any], practice: Practice, user: Any) -> Any:
    label = model._meta.label_lower
    if label == "practices.practice":
        return practice
    if label in ("auth.user", "otp_totp.totpdevice", "otp_static.staticdevice"):
        return user if label == "auth.user" else None
    if label == "practices.staffprofile":
        return user.staff
    if label == "support_queue.timelineevent":
        return world["item"].events.first()
    field_names = {f.name for f in model._meta.fields}
    if "practice" in field_names:
        return model.objects.filter(practice=practice).first()
    return None


def kwargs_for(
    name: str,
    params: list[str],
    world: dict[str, Any],
    practice: Practice,
    user: Any,
    colleagues: tuple[Any, ...] = (),
) -> list[dict[str, Any]]:
    """Every combination of values for a URL's parameters (one per action name)."""
    base: dict[str, Any] = {}
    variants: list[dict[str, Any]] = [{}]
    for param in params:
        if param in ("pk", "object_id", "id"):
            if name.startswith("admin:"):
                model = admin_model(name)
                obj = instance_of(model, world, practice, user) if model else None
                if obj is None:
                    return []  # nothing of that kind belongs to a practice
                base[param] = obj.pk
            elif name.startswith("settings_staff"):
                variants = [{param: person.pk} for person in (user, *colleagues)]
            elif name.startswith("settings_"):
                kind = next(
                    k for k in ("holiday", "route", "webhook", "category", "oncall", "playbook",
                                "outreach")
                    if k in name or (k == "category" and "script" in name)
                )  # fmt: skip
                base[param] = world["shift" if kind == "oncall" else kind].pk
            elif name.startswith("view_"):
                base[param] = world["view"].pk
            elif "appointment" in name:  # (before "patient": appointment_patient)
                base[param] = world["appointment"].pk
            elif "patient" in name:
                base[param] = world["patient"].pk
            elif "item" in name or "message" in name:
                base[param] = world["item"].pk
            else:
                pytest.fail(f"URL {name}: say which object its {param} names")
        elif param == "action":
            variants = [{"action": a} for a in ACTIONS]
        elif param == "step":
            base[param] = "link_sent"
        elif param == "name":
            base[param] = "flow"
        elif param == "slug":
            base[param] = practice.slug
        elif param == "language":
            base[param] = "en"
        elif param == "section":
            base[param] = "contact"
        elif param == "token":
            base[param] = "t" * 24
        elif param == "app_label":
            base[param] = "practices"
        elif param == "content_type_id":
            base[param] = ContentType.objects.get_for_model(SupportItem).pk
        elif param == "file_id":
            base[param] = world["picture"].pk
        elif param in ("item_id", "patient_id"):
            base[param] = world["item" if param == "item_id" else "patient"].pk
        else:
            pytest.fail(f"URL {name}: add a value for its parameter {param!r} to this test")
    return [{**base, **v} for v in variants]


def snapshot(world: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for obj in world.values():
        obj.refresh_from_db()
        rows.append(model_to_dict(obj))
    rows.append({"events": world["item"].events.count()})
    return rows


def test_no_page_or_admin_url_reveals_another_practice(client, setup) -> None:
    theirs = setup["theirs"]
    before = snapshot(theirs)
    routes = [(name, params) for name, params, _ in named_routes()]
    routes = [r for r in routes if not r[0].startswith("api:")]
    assert len(routes) > 50  # the admin site and every page were found
    checked = 0
    for role, user in setup["users"].items():
        client.force_login(user)
        for name, params in routes:
            for kwargs in kwargs_for(
                name, params, theirs, setup["lakeside"], setup["outsider"], (setup["both"],)
            ):
                url = reverse(name, kwargs=kwargs)
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    body = b"".join(response) if response.streaming else response.content
                    where = f"{method.upper()} {url} as {role}: {response.status_code}"
                    assert MARKER.encode() not in body, where
                    if params and any(
                        p in ("pk", "object_id", "id", "item_id", "patient_id", "file_id")
                        for p in params
                    ):
                        redirect_ok = response.status_code == 302 and (
                            response["Location"].startswith(("/admin/", "/login/"))
                        )
                        assert response.status_code in REFUSED or redirect_ok, where
                    checked += 1
        client.logout()
    assert checked > 1000
    assert snapshot(theirs) == before


def test_no_api_operation_reveals_another_practice(client, setup) -> None:
    theirs = setup["theirs"]
    before = snapshot(theirs)
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 20
    for role, user in setup["users"].items():
        headers = api_auth(user)
        for path, method in operations:
            url = (
                path.replace("{item_id}", str(theirs["item"].pk))
                .replace("{patient_id}", str(theirs["patient"].pk))
                .replace("{file_id}", str(theirs["picture"].pk))
                .replace("{visit_id}", str(theirs["appointment"].pk))
            )
            assert "{" not in url, f"{path}: add a value for its path parameter to this test"
            query = {"practice": setup["lakeside"].slug, "q": MARKER}
            if method == "get":
                response = client.get(url, query, **headers)
            else:
                response = client.generic(
                    method.upper(), url, "{}", content_type="application/json", **headers
                )
            where = f"{method.upper()} {url} as {role}: {response.status_code}"
            assert MARKER.encode() not in response.content, where
            if "{" in path:
                assert response.status_code in {404, 422}, where
    assert snapshot(theirs) == before


def test_the_matrix_would_see_a_leak(client, setup) -> None:
    """Positive control: the same requests show Riverside's own data to Riverside's staff."""
    ours = setup["ours"]
    supervisor = setup["users"][Role.SUPERVISOR]
    client.force_login(supervisor)
    assert OWN_MARKER.encode() in client.get(reverse("item", args=[ours["item"].pk])).content
    assert OWN_MARKER.encode() in client.get(reverse("patient", args=[ours["patient"].pk])).content
    outbox = client.get(reverse("outbox")).content
    assert outbox.count(OWN_MARKER.encode()) >= 4 and MARKER.encode() not in outbox
    response = client.get(f"/api/v1/items/{ours['item'].pk}", **api_auth(supervisor))
    assert response.status_code == 200 and OWN_MARKER.encode() in response.content
    assert apps.get_model("practices", "Practice").objects.count() == 3  # and Hillside


def test_another_practices_on_call_rota_is_a_404_for_every_role(client, setup) -> None:
    """The rota is read by everyone who works for a practice: nobody of another practice."""
    lakeside = setup["lakeside"]
    for role, user in setup["users"].items():
        client.force_login(user)
        response = client.get(reverse("on_call_practice", args=[lakeside.slug]))
        assert response.status_code == 404, role
        assert lakeside.name.encode() not in client.get(reverse("on_call")).content, role
    client.force_login(setup["outsider"])
    assert client.get(reverse("on_call_practice", args=[lakeside.slug])).status_code == 200


# --- the metrics: a practice's counts are its own -------------------------------------------------


def asked_visits(practice: Practice, asked: int, confirmed: int, by_reply: int) -> None:
    """``asked`` visits of yesterday morning whose patient we asked to confirm; ``confirmed`` of
    them confirmed before the visit, the first ``by_reply`` by a text reply."""
    start = timezone.now() - timedelta(days=1)
    for n in range(asked):
        how = ("text" if n < by_reply else "staff") if n < confirmed else ""
        Appointment.objects.create(
            practice=practice, source="csv", external_id=f"m{n}", match=Match.DOUBTFUL,
            start=start, status="fulfilled", kind="Follow-up", fingerprint="x",
            imported_at=start, updated_at=start,
            confirmation_asked_at=start - timedelta(days=2),
            confirmed_at=start - timedelta(days=1) if how else None, confirmed_how=how,
        )  # fmt: skip


def test_a_token_of_one_practice_never_sees_anothers_confirmation_counts(
    client, clock, org, riverside, lakeside
) -> None:
    """The confirmation rate in ``GET /api/v1/metrics`` (``definitions.visit_confirmations``)
    counts the caller's practices only: a supervisor of both with a token for Riverside sees
    Riverside's visits, in this period and the previous one; Lakeside's slug is a 404; the
    same person's full token sees both."""
    from tests.conftest import person

    asked_visits(riverside, asked=2, confirmed=1, by_reply=1)
    asked_visits(lakeside, asked=5, confirmed=4, by_reply=3)
    lead = person(org, "lead", [Role.SUPERVISOR], [riverside, lakeside])
    narrowed = api_auth(lead, practices=[riverside])
    day = (timezone.now() - timedelta(days=1)).date().isoformat()
    query = {"start": day, "end": day}

    def counts(headers: dict[str, str], **more: str) -> Any:
        response = client.get("/api/v1/metrics", {**query, **more}, **headers)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["previous"]["visit_confirmations"]["asked"] == 0
        return body["metrics"]["visit_confirmations"]

    own = {"asked": 2, "confirmed": 1, "by_reply": 1, "share": 0.5}
    assert counts(narrowed) == own
    assert counts(narrowed, practice="riverside") == own
    response = client.get("/api/v1/metrics", {**query, "practice": "lakeside"}, **narrowed)
    assert response.status_code == 404
    assert counts(api_auth(lead)) == {"asked": 7, "confirmed": 5, "by_reply": 4, "share": 0.714}
    riverside_only = person(org, "rlead", [Role.SUPERVISOR], [riverside])
    assert counts(api_auth(riverside_only)) == own
