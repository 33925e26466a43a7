"""Pages: login, the queue (tenant-filtered, constant queries), health."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_login_page_renders(client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_queue_requires_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_staff_log_in_and_see_only_their_practices_items(
    client, clock, make_item, assistant, lakeside_item
) -> None:
    make_item(summary="Riverside reschedule")
    response = sign_in(client, "assistant", "pw")
    assert response.status_code == 302 and response["Location"] == reverse("queue")
    page = client.get("/?tab=open").content.decode()
    assert "Riverside reschedule" in page
    assert "Lakeside statement question" not in page
    assert "Bo Kim" not in page


def test_wrong_password_shows_an_error(client, assistant) -> None:
    response = sign_in(client, "assistant", "nope")
    assert response.status_code == 200
    assert b"do not match" in response.content


def test_queue_filters_by_practice_and_status(client, clock, make_item, assistant) -> None:
    make_item(summary="Still open")
    client.force_login(assistant)
    assert "Still open" in client.get("/?tab=open&status=new&practice=riverside").content.decode()
    assert "Still open" not in client.get("/?tab=open&status=resolved").content.decode()
    assert "Still open" in client.get("/?tab=open&status=bogus").content.decode()


def test_queue_page_queries_do_not_grow_with_items(client, clock, make_item, assistant) -> None:
    client.force_login(assistant)
    make_item()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(15):
        make_item(summary=f"item {n}", patient=None, callback_number="312-555-0177")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few)


def test_item_page_forms_state_times_on_the_practices_clock(
    client, clock, make_item, assistant
) -> None:
    """The action forms' date-time fields are filled on the practice's clock (Chicago), not the
    server's (UTC): staff read and submit them as the practice's local time."""
    from closeloop.support_queue.selectors import suggest_update_time

    client.force_login(assistant)
    item = make_item()
    suggested = suggest_update_time(item).astimezone(ZoneInfo("America/Chicago"))
    body = client.get(f"/items/{item.pk}/").content.decode()
    value = suggested.strftime("%Y-%m-%dT%H:%M")
    assert suggested.utcoffset() != timedelta(0)
    assert f'name="update_window-update_at" value="{value}"' in body
    assert f'name="acknowledge-next_update_at" value="{value}"' in body


def test_staff_without_practices_are_told_so(client, org) -> None:
    from closeloop.practices.services import staff_create

    staff_create(organization=org, username="newbie", password="pw", roles=["support"])
    client.force_login(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="newbie")
    )
    assert b"do not serve any practice" in client.get("/").content


def test_logout_is_a_post(client, assistant) -> None:
    client.force_login(assistant)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_healthz_reports_database_and_worker_lag(client) -> None:
    from closeloop.periodic.models import WorkerHeartbeat

    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json()["database"] == "ok"
    assert response.json()["worker"]["ok"] is False  # no worker has ticked yet
    assert client.get("/healthz/", {"check": "worker"}).status_code == 503
    WorkerHeartbeat.objects.create(worker_id="w1", last_tick_at=timezone.now())
    ok = client.get("/healthz/", {"check": "worker"})
    assert ok.status_code == 200 and ok.json()["worker"]["last_tick_seconds_ago"] == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        late = client.get("/healthz/", {"check": "worker"})
    assert late.status_code == 503 and late.json()["worker"]["last_tick_seconds_ago"] == 240


@pytest.mark.parametrize(
    ("method", "path", "data", "content_type"),
    [
        ("get", "/patients/lookup/?q=a%00b", None, None),
        ("post", "/api/v1/items", '{"summary": "a\\u0000b"}', "application/json"),
        ("post", "/p/riverside/contact/", "name=a%00b", "application/x-www-form-urlencoded"),
    ],
)
def test_nul_characters_are_refused_everywhere(
    client, riverside, method, path, data, content_type
) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = getattr(client, method)(path, data, **kwargs) if data else client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nul_character"


def test_alerts_are_one_row_per_item_with_mark_all_read(
    client, clock, make_item, assistant
) -> None:
    from closeloop.support_queue.models import AlertKind, StaffAlert

    item = make_item()
    for kind in (AlertKind.PROMISE_DUE, AlertKind.PROMISE_ESCALATED, AlertKind.REPEAT_CONTACT):
        StaffAlert.objects.create(user=assistant, item=item, kind=kind)
    other = make_item(summary="Another")
    StaffAlert.objects.create(user=assistant, item=other, kind=AlertKind.HANDOFF)
    client.force_login(assistant)
    page = client.get("/alerts/")
    assert page.context["unread_alerts"] == 2  # two items, not four alerts
    body = page.content.decode()
    assert body.count(f'href="/items/{item.pk}/"') == 1
    assert "Promised update time passed" in body and "Patient contacted us again" in body
    assert "Ana Lopez" in body  # the patient's name, as the queue shows it
    client.post("/alerts/read/")
    assert client.get("/alerts/").context["unread_alerts"] == 0
    assert not StaffAlert.objects.filter(read_at__isnull=True).exists()


def test_the_demo_outbox_shows_what_the_demo_sent(
    client, clock, make_item, assistant, settings, tmp_path
) -> None:
    from django.core.mail import EmailMessage

    from closeloop.core.sms import Account, send_sms

    item = make_item()  # what the outbox shows is what concerns the practices one serves
    client.force_login(assistant)
    assert client.get("/outbox/").status_code == 404  # only in the demo
    settings.CLOSELOOP_ENV = "demo"
    settings.SMS_BACKEND = "file"
    settings.OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    send_sms(
        Account("", "", "+13125550100"), to="+13125550142", body="Hi Ana", what=f"item {item.pk}"
    )
    EmailMessage(
        "We received your message", "Hello", to=["ana@example.com"],
        headers={"Message-ID": f"<item-{item.pk}.ab12@closeloop>"},
    ).send()  # fmt: skip
    page = client.get("/outbox/").content.decode()
    assert "Hi Ana" in page and "+13125550142" in page
    assert "We received your message" in page and "ana@example.com" in page


def test_a_lakeside_only_login_sees_no_riverside_message_in_the_demo_outbox(
    client, clock, settings, tmp_path, riverside, outsider, assistant, lakeside_item
) -> None:
    from django.core import mail

    from closeloop.messaging import services as messaging
    from closeloop.patients.services import patient_create
    from closeloop.support_queue import lifecycle
    from closeloop.support_queue.alerts import deliver, notify
    from closeloop.support_queue.models import AlertDelivery, AlertKind, Channel
    from tests.conftest import category

    settings.CLOSELOOP_ENV = "demo"
    settings.SMS_BACKEND = "file"
    settings.OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    ana = patient_create(
        practice=riverside, first_name="Ana", last_name="Lopez", phone="(312) 555-0142",
        email="ana@example.com",
    )  # fmt: skip
    ours = lifecycle.item_create(
        practice=riverside, category=category(riverside, "scheduling"), channel=Channel.PHONE,
        actor=assistant, summary="Chest pain since this morning", patient=ana,
    )  # fmt: skip
    for channel in ("sms", "email"):
        message = messaging.message_send(
            item=ours, actor=assistant, channel=channel, purpose="emergency"
        )
        assert messaging.deliver(message.pk) == "sent"
    assistant.email = "assistant@example.com"
    assistant.save()
    notify([assistant], ours, AlertKind.RED_FLAG)
    deliver(AlertDelivery.objects.values_list("pk", flat=True))
    outsider.email = "outsider@example.com"
    outsider.save()
    notify([outsider], lakeside_item, AlertKind.HANDOFF)
    deliver(AlertDelivery.objects.filter(to=outsider.email).values_list("pk", flat=True))
    client.force_login(outsider)
    page = client.get("/outbox/").content.decode()
    assert "Ana" not in page and "555-0142" not in page and "ana@example.com" not in page
    assert f"#{ours.pk}" not in page and "assistant@example.com" not in page
    assert f"item #{lakeside_item.pk}" in page  # Lakeside's own alert email is shown
    client.force_login(assistant)
    page = client.get("/outbox/").content.decode()
    assert "+13125550142" in page and "ana@example.com" in page
    assert "outsider@example.com" not in page
    assert mail.outbox == []  # (the file backend wrote them)


def test_select_written_in_place_is_the_markup_of_djangos_own_template(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``web/jinja_widgets/…/select.html`` writes options in place of an include per option;
    the markup must stay exactly Django's: groups, the selected one, escaping, attributes."""
    from django import forms

    from closeloop.web import forms_renderer

    widget = forms.Select(
        choices=[("", "---"), ("Group <1>", [("a", "A & B"), ("b", "B")]), ("c", "C \"q\" 'x'")],
        attrs={"id": "pick", "required": True, "data-x": "1"},
    )
    ours = widget.render("field", "a", renderer=forms_renderer.Renderer())
    monkeypatch.setattr(forms_renderer, "OVERRIDES", tmp_path)  # Django's templates only
    djangos = widget.render("field", "a", renderer=forms_renderer.Renderer())
    assert ours == djangos
    assert '<option value="a" selected>A &amp; B</option>' in ours
    assert 'label="Group &lt;1&gt;"' in ours


def test_row_fragments_escape_format_and_label_exactly_as_django_does() -> None:
    """The queue rows' own escaping, ISO times and choice labels (faster than Django's, called
    for every value of every row) give the same text as ``conditional_escape``, ``date:'c'``
    and ``get_FOO_display()``, in English and Spanish, in a zone with summer time."""
    from django.template.defaultfilters import date as date_filter
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy, override

    from closeloop.support_queue.models import Channel, Status, SupportItem
    from closeloop.web.jinja_fragments import _iso, display, escaped

    for value in ('O\'Brien <b> & "x"', mark_safe("<b>kept</b>"), gettext_lazy("Waiting"), 5, None):
        assert escaped(value) == conditional_escape(value)
    with timezone.override(ZoneInfo("America/Chicago")):
        for when in (timezone.now(), timezone.now() + timedelta(days=200)):
            assert _iso(when) == date_filter(timezone.localtime(when), "c")
    item = SupportItem(status=Status.WAITING, channel=Channel.VOICEMAIL, team="clinical")
    odd = SupportItem(status="no-such-status")
    for language in ("en", "es"):
        with override(language):
            assert display(item, "status") == item.get_status_display()
            assert display(item, "channel") == item.get_channel_display()
            assert display(item, "team") == item.get_team_display()
            assert display(odd, "status") == odd.get_status_display() == "no-such-status"
