"""Protecting patient information: roles, two-factor sign-in, lockout, idle logoff, the audit
log (append-only, reads and writes), break glass, retention, export, backups, logs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.api.models import ApiToken
from closeloop.periodic.retention import PURGED
from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Role
from closeloop.practices.models import EmergencyAccess
from closeloop.practices.services import staff_create
from closeloop.security import breakglass
from closeloop.security.models import AuditAction, AuditAppendOnlyError, AuditEvent
from closeloop.security.permissions import PERMISSIONS, REDACTED, Perm
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, EventCode, Status, SupportItem
from tests.conftest import PASSWORD, acknowledged, api_auth, bearer, category, sign_in

pytestmark = pytest.mark.django_db


# --- the permission table ---------------------------------------------------------------------


def test_permission_table_matches_the_roles() -> None:
    assert Perm.CLINICAL_DETAILS in PERMISSIONS[Role.CLINICAL]
    for role in (Role.SUPPORT, Role.FRONT_DESK, Role.SUPERVISOR, Role.PRACTICE_ADMIN):
        assert Perm.CLINICAL_DETAILS not in PERMISSIONS[role]
    assert {Perm.COMPLAINTS, Perm.REPORTS, Perm.BREAK_GLASS} <= PERMISSIONS[Role.SUPERVISOR]
    assert Perm.CONFIGURE in PERMISSIONS[Role.PRACTICE_ADMIN]
    assert Perm.MANAGE_STAFF in PERMISSIONS[Role.ORG_ADMIN]
    assert Perm.MANAGE_STAFF not in PERMISSIONS[Role.PRACTICE_ADMIN]
    assert PERMISSIONS[Role.SUPPORT] == {Perm.WORK_QUEUE}


@pytest.fixture
def red_flag_item(clock, make_item, assistant) -> SupportItem:
    item = make_item("clinical_message", summary="Chest pain since this morning", red_flag=True)
    return lifecycle.item_add_note(item=item, actor=None, text="Pain radiates to the left arm")


def test_support_staff_see_clinical_items_only_as_routed(
    client, red_flag_item, assistant, nurse
) -> None:
    client.force_login(assistant)
    page = client.get(reverse("item", args=[red_flag_item.pk])).content.decode()
    assert "Routed to clinical staff" in page and "Chest pain" not in page
    assert "read this now" in page  # the emergency script still shows
    queue = client.get(reverse("queue"), {"tab": "all"}).content.decode()
    assert "Chest pain" not in queue
    refused = client.post(
        reverse("item_action", args=[red_flag_item.pk, "note"]), {"note-text": "x"}
    )
    assert refused.status_code == 403 and "only clinical staff" in refused.content.decode()
    auth = api_auth(assistant)
    api = client.get(f"/api/v1/items/{red_flag_item.pk}", **auth).json()
    assert api["summary"] == REDACTED and api["details"] == ""
    timeline = client.get(f"/api/v1/items/{red_flag_item.pk}/timeline", **auth).json()
    assert all(e["text"] == "" for e in timeline)
    client.force_login(nurse)
    assert "Chest pain" in client.get(reverse("item", args=[red_flag_item.pk])).content.decode()


# --- authentication -----------------------------------------------------------------------------


@pytest.fixture
def guarded(org, riverside) -> Any:
    org.require_mfa = True
    org.save()
    return staff_create(
        organization=org,
        username="guarded",
        password=PASSWORD,
        roles=[Role.SUPPORT],
        practices=[riverside],
    )


def test_two_factor_enrolment_then_sign_in_with_app_and_recovery_codes(client, guarded) -> None:
    # django-otp slows down guessing: after a wrong code the device waits a few seconds.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert sign_in(client, "guarded").status_code == 302
        assert client.get(reverse("queue"))["Location"] == reverse("mfa_setup")
        setup = client.get(reverse("mfa_setup"))
        assert b"Turn on two-factor sign-in" in setup.content
        assert b"data:image/svg+xml" in setup.content
        device = TOTPDevice.objects.get(user=guarded, confirmed=False)
        assert client.post(reverse("mfa_setup"), {"token": "000000"}).status_code == 422
        clock.shift(timedelta(seconds=10))
        done = client.post(reverse("mfa_setup"), {"token": str(totp(device.bin_key)).zfill(6)})
        codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.content.decode())
        assert len(codes) == 10
        assert client.get(reverse("queue")).status_code == 200
        other = Client()
        sign_in(other, "guarded")
        assert other.get(reverse("queue"))["Location"] == reverse("mfa_verify")
        assert other.post(reverse("mfa_verify"), {"token": "123456"}).status_code == 422
        clock.shift(timedelta(seconds=10))
        assert other.post(reverse("mfa_verify"), {"token": codes[0]}).status_code == 302
        assert other.get(reverse("queue")).status_code == 200
        third = Client()
        sign_in(third, "guarded")
        assert third.post(reverse("mfa_verify"), {"token": codes[0]}).status_code == 422  # once
        clock.shift(timedelta(seconds=40))
        code = str(totp(device.bin_key)).zfill(6)
        assert third.post(reverse("mfa_verify"), {"token": code}).status_code == 302
    events = list(
        AuditEvent.objects.filter(action=AuditAction.MFA).values_list("detail", flat=True)
    )
    assert {"event": "enrolled"} in events and {"event": "failed"} in events


def test_demo_style_organization_without_two_factor(client, assistant) -> None:
    client.force_login(assistant)  # the conftest organization has it off
    assert client.get(reverse("queue")).status_code == 200


def test_repeated_failures_lock_the_login_until_an_admin_unlocks(client, guarded) -> None:
    for _ in range(4):
        assert sign_in(client, "guarded", "wrong password!").status_code == 200
    assert sign_in(client, "guarded", "wrong password!").status_code == 429  # the fifth locks
    locked = sign_in(client, "guarded")  # even the right password, from now on
    assert locked.status_code == 429 and b"Too many failed logins" in locked.content
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    call_command("axes_reset_username", "guarded")
    assert sign_in(client, "guarded").status_code == 302


def test_passwords_need_twelve_characters_and_production_hashes_with_argon2() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")
    validate_password("a long passphrase of words")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.PASSWORD_HASHERS[0])",
        ],
        env={
            **os.environ,
            "CLOSELOOP_ENV": "development",
            "DJANGO_SETTINGS_MODULE": "closeloop.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "closeloop.security.hashers.OwaspArgon2PasswordHasher"
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["closeloop.security.hashers.OwaspArgon2PasswordHasher"]
    ):
        encoded = make_password("a long passphrase of words")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_idle_sessions_end_and_background_polling_does_not_count(client, assistant) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(assistant)
        assert client.get(reverse("queue")).status_code == 200
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("queue"), HTTP_X_CLOSELOOP_BACKGROUND="1").status_code == 200
        clock.shift(timedelta(minutes=2))  # 16 minutes since the person last did anything
        response = client.get(reverse("queue"))
        assert response.status_code == 302 and response["Location"] == "/login/?idle=1"
        assert client.get(reverse("queue"))["Location"].startswith("/login/")


def test_a_page_reads_the_person_with_their_profile_and_organization_in_one_query(
    client, assistant
) -> None:
    """Every signed-in page needs the person's staff profile (roles, practices) and its
    organization (the two-factor policy): they come with the user, not as two more queries."""
    client.force_login(assistant)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("queue")).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    [person] = [sql for sql in statements if 'FROM "auth_user"' in sql and "LIMIT 21" in sql]
    assert '"practices_staffprofile"' in person and '"practices_organization"' in person
    alone = [
        sql
        for sql in statements
        if sql.startswith(
            ('SELECT "practices_staffprofile"."id"', 'SELECT "practices_organization"."id"')
        )
    ]
    assert alone == []


def test_activity_is_written_at_most_once_a_minute_and_keeps_the_session(client, assistant) -> None:
    """A page within a minute of the recorded activity writes no session row; someone
    clicking every 50 seconds for 20 minutes stays signed in."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(assistant)
        clock.shift(timedelta(seconds=61))
        with CaptureQueriesContext(connection) as first:
            assert client.get(reverse("queue")).status_code == 200
        clock.shift(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as second:
            assert client.get(reverse("queue")).status_code == 200
        writes = lambda queries: [  # noqa: E731
            q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')
        ]
        assert len(writes(first)) == 1 and writes(second) == []
        for _ in range(24):
            clock.shift(timedelta(seconds=50))
            assert client.get(reverse("queue")).status_code == 200


def test_the_idle_timer_starts_at_sign_in(client, assistant) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(assistant)
        clock.shift(timedelta(minutes=16))  # signed in, then walked away
        response = client.get(reverse("queue"))
        assert response.status_code == 302 and response["Location"] == "/login/?idle=1"


def test_changing_the_password_ends_other_sessions(client, assistant) -> None:
    assistant.set_password(PASSWORD)
    assistant.save()
    other = Client()
    client.force_login(assistant)
    other.force_login(assistant)
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert changed.status_code == 302
    assert client.get(reverse("queue")).status_code == 200  # this session continues
    assert other.get(reverse("queue"))["Location"].startswith("/login/")


def test_api_tokens_expire_and_can_be_revoked(client, assistant, capsys) -> None:
    token, raw = ApiToken.issue(user=assistant, days=1)
    headers = bearer(raw)
    assert client.get("/api/v1/practices", **headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert client.get("/api/v1/practices", **headers).status_code == 401
    with pytest.raises(CommandError, match="between 1 and 366"):
        call_command("token", "create", "--user", "assistant", "--days", "0")
    call_command("token", "revoke", str(token.pk))
    assert client.get("/api/v1/practices", **headers).status_code == 401


# --- the audit log ------------------------------------------------------------------------------


def test_audit_log_is_append_only_in_the_model_and_the_database() -> None:
    event = AuditEvent.objects.create(channel="cli", action=AuditAction.BACKUP)
    with pytest.raises(AuditAppendOnlyError):
        event.save()
    with pytest.raises(AuditAppendOnlyError):
        event.delete()
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="view")
    for statement in (
        "UPDATE security_auditevent SET action = 'view'",
        "DELETE FROM security_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.BACKUP


def test_reads_and_writes_are_recorded_with_who_where_and_channel(
    client, clock, make_item, assistant, patient
) -> None:
    item = make_item()
    created = AuditEvent.objects.get(
        object_type="support_queue.supportitem", action=AuditAction.CREATE
    )
    assert (
        created.channel == "worker"
        and created.patient_id == patient.pk
        and "summary" in created.fields
    )
    client.force_login(assistant)
    client.get(
        reverse("item", args=[item.pk]), HTTP_USER_AGENT="Firefox/130", REMOTE_ADDR="10.1.2.3"
    )
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(item.pk)).latest("id")
    assert (view.username, view.channel, view.ip, view.user_agent, view.patient_id) == (
        "assistant",
        "page",
        "10.1.2.3",
        "Firefox/130",
        patient.pk,
    )
    client.post(
        reverse("item_action", args=[item.pk, "acknowledge"]),
        {"acknowledge-how": "call", "acknowledge-next_update_at": "2026-11-17T15:00"},
    )
    change = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(item.pk)).latest(
        "id"
    )
    assert change.username == "assistant" and "status" in change.fields
    assert "Needs to move" not in json.dumps(change.detail)  # names of fields, never values
    client.get(f"/api/v1/patients/{patient.pk}", **api_auth(assistant))
    api_view = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="patients.patient"
    ).latest("id")
    assert (api_view.channel, api_view.username) == ("api", "assistant")
    client.get(reverse("queue_csv"))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, username="assistant").exists()


def test_who_has_seen_this_patient_and_the_audit_search(
    client, clock, make_item, assistant, supervisor, patient
) -> None:
    item = make_item()
    client.force_login(assistant)
    client.get(reverse("patient", args=[patient.pk]))
    client.get(reverse("item", args=[item.pk]))
    assert client.get(reverse("patient_audit", args=[patient.pk])).status_code == 404
    assert client.get(reverse("audit")).status_code == 404
    client.force_login(supervisor)
    page = client.get(reverse("patient_audit", args=[patient.pk])).content.decode()
    assert "assistant" in page and "Viewed" in page
    rows = (
        client.get(reverse("patient_audit", args=[patient.pk]), {"format": "csv"})
        .content.decode()
        .splitlines()
    )
    assert rows[0].startswith("at,user,channel,action,object")
    assert any(",assistant,page,view," in row for row in rows)
    found = client.get(reverse("audit"), {"user": "assistant", "action": "view"}).content.decode()
    assert "support_queue.supportitem" in found and "patients.patient" in found


def test_another_practices_audit_rows_stay_hidden(
    client, clock, make_item, lakeside_item, supervisor
) -> None:
    make_item()
    theirs = AuditEvent.objects.filter(practice_id=lakeside_item.practice_id)
    assert theirs.exists()  # Lakeside's item was recorded; the search must not show it
    client.force_login(supervisor)
    rows = client.get(reverse("audit"), {"format": "csv"}).content.decode().splitlines()[1:]
    practices = {row.split(",")[5] for row in rows}
    assert practices and str(lakeside_item.practice_id) not in practices


# --- emergency access -----------------------------------------------------------------------------


def test_break_glass_grants_expire_and_are_audited(
    client, clock, supervisor, assistant, lakeside, lakeside_item
) -> None:
    client.force_login(assistant)
    url = reverse("item", args=[lakeside_item.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("emergency_access")).status_code == 404  # support staff cannot grant
    supervisor.staff.practices.add(lakeside)  # Lakeside's supervisor lets the assistant help
    client.force_login(supervisor)
    refused = client.post(
        reverse("emergency_access"),
        {"user": assistant.pk, "practice": lakeside.pk, "hours": "2", "reason": "short"},
    )
    assert refused.status_code == 422 and b"Say why" in refused.content
    granted = client.post(
        reverse("emergency_access"),
        {
            "user": assistant.pk,
            "practice": lakeside.pk,
            "hours": "2",
            "reason": "Covering Lakeside's queue while their VA is out sick",
        },
    )
    assert granted.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert event.username == "supervisor" and event.detail["granted_to"] == "assistant"
    client.force_login(assistant)
    assert client.get(url).status_code == 200
    clock.shift(timedelta(hours=2, minutes=1))
    client.logout()  # (the idle logoff ended that session meanwhile)
    client.force_login(assistant)
    assert client.get(url).status_code == 404
    with pytest.raises(breakglass.BreakGlassError, match="Only supervisors"):
        breakglass.grant(by=assistant, user=assistant, practice=lakeside, reason="x" * 20, hours=1)


def test_break_glass_is_granted_by_someone_responsible_for_the_practice_never_to_oneself(
    client, org, riverside, lakeside, supervisor, assistant, lakeside_item
) -> None:
    reason = "Covering Lakeside's queue while their VA is out sick"
    # The supervisor serves Riverside only: they cannot let themselves, or anyone, into Lakeside.
    for who in (supervisor, assistant):
        with pytest.raises(breakglass.BreakGlassError, match="serves Lakeside|never to yourself"):
            breakglass.grant(by=supervisor, user=who, practice=lakeside, reason=reason, hours=2)
    client.force_login(supervisor)
    refused = client.post(
        reverse("emergency_access"),
        {"user": supervisor.pk, "practice": lakeside.pk, "hours": "2", "reason": reason},
    )
    assert refused.status_code == 422 and not EmergencyAccess.objects.exists()
    assert client.get(reverse("item", args=[lakeside_item.pk])).status_code == 404
    # Lakeside's own supervisor, or an organization admin, can open it to a colleague.
    lakeside_lead = staff_create(
        organization=org, username="lakelead", password="pw", roles=[Role.SUPERVISOR],
        practices=[lakeside],
    )  # fmt: skip
    breakglass.grant(by=lakeside_lead, user=assistant, practice=lakeside, reason=reason, hours=2)
    with pytest.raises(breakglass.BreakGlassError, match="never to yourself"):
        breakglass.grant(
            by=lakeside_lead, user=lakeside_lead, practice=riverside, reason=reason, hours=2
        )
    director = staff_create(
        organization=org, username="director", password="pw", roles=[Role.ORG_ADMIN],
        practices=[riverside],
    )  # fmt: skip
    breakglass.grant(by=director, user=supervisor, practice=lakeside, reason=reason, hours=1)
    # Lakeside's practice admin sees who was let in, by whom and why.
    lake_admin = staff_create(
        organization=org, username="lakeadmin", password="pw", roles=[Role.PRACTICE_ADMIN],
        practices=[lakeside],
    )  # fmt: skip
    client.force_login(lake_admin)
    page = client.get(reverse("emergency_access"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("Covering Lakeside") == 2 and "lakelead" in body and "director" in body
    assert "Grant access" not in body  # a practice admin sees grants, does not make them


# --- retention, export, backups ------------------------------------------------------------------


def closed(make_item: Any, who: Any) -> SupportItem:
    item = make_item(summary="Wants the lab results explained")
    item = lifecycle.item_assign(item=item, actor=who, owner=who, team=item.team)
    item = acknowledged(item, who)
    item = lifecycle.item_set_update_window(
        item=item,
        actor=who,
        checking="lab",
        next_step="call",
        update_at=timezone.now() + timedelta(hours=1),
    )
    item = lifecycle.item_log_contact(
        item=item,
        actor=who,
        direction="outbound",
        channel="phone",
        outcome="reached",
        note="Explained",
        gave_next_step=True,
        resolving=True,
    )
    item = lifecycle.item_resolve(item=item, actor=who, outcome="Explained")
    return lifecycle.item_close(item=item, actor=who)


def test_retention_purges_old_closed_items_free_text_and_audits(
    clock, org, make_item, assistant
) -> None:
    old = closed(make_item, assistant)
    clock.shift(timedelta(days=20))
    recent = closed(make_item, assistant)
    still_open = make_item(summary="Still open")
    assert sweep().handled["purged"] == 0  # no retention period set: keep everything
    org.retention_days = 14
    org.save()
    assert sweep().handled["purged"] == 1
    old.refresh_from_db()
    assert old.summary == PURGED and old.outcome == "" and old.purged_at is not None
    assert not old.events.exclude(text="").exists()
    assert old.status == Status.CLOSED and old.events.filter(code=EventCode.RESOLVED).exists()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.summary != PURGED and still_open.summary == "Still open"
    assert AuditEvent.objects.get(action=AuditAction.PURGE).detail["items"] == [old.pk]


def test_patient_data_export_for_an_access_request(
    client, clock, make_item, assistant, supervisor, patient
) -> None:
    make_item(summary="Needs a refill form")
    client.force_login(assistant)
    assert client.post(reverse("patient_export", args=[patient.pk])).status_code == 404
    client.force_login(supervisor)
    response = client.post(reverse("patient_export", args=[patient.pk]))
    data = json.loads(response.content)
    assert data["patient"]["last_name"] == "Lopez"
    assert data["items"][0]["summary"] == "Needs a refill form" and data["items"][0]["timeline"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id=patient.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_every_table(
    tmp_path: Path, riverside, patient, assistant
) -> None:
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="pg_dump"):
            call_command("backup", str(tmp_path / "b.sqlite3"))
        return
    lifecycle.item_create(
        practice=riverside, category=category(riverside, "billing"), channel=Channel.PHONE,
        actor=assistant, summary="Before the backup", patient=patient,
    )  # fmt: skip
    target = tmp_path / "backup.sqlite3"
    call_command("backup", str(target))
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(target))
    snapshot = _dump(target)
    lifecycle.item_create(
        practice=riverside, category=category(riverside, "billing"), channel=Channel.PHONE,
        actor=assistant, summary="After the backup", patient=patient,
    )  # fmt: skip
    call_command("restore", str(target), "--yes")
    assert SupportItem.objects.filter(summary="After the backup").count() == 0
    restored = _dump_live()
    for table, rows in snapshot.items():
        if table == "security_auditevent":
            assert restored[table][: len(rows)] == rows  # plus the restore's own audit row
        else:
            assert restored[table] == rows, table
    (tmp_path / "junk.sqlite3").write_text("not a database")
    with pytest.raises(CommandError, match="not a readable SQLite database"):
        call_command("restore", str(tmp_path / "junk.sqlite3"), "--yes")


def _rows(cursor: Any, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    # Table names come from sqlite_master, not from input.
    return {t: cursor.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}  # noqa: S608


def _tables(cursor: Any) -> list[str]:
    return [
        r[0]
        for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    import sqlite3

    db = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        return _rows(db.cursor(), _tables(db.cursor()))
    finally:
        db.close()


def _dump_live() -> dict[str, list[tuple[Any, ...]]]:
    raw = connection.connection
    return _rows(raw.cursor(), _tables(raw.cursor()))


# --- transmission ------------------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(client, assistant) -> None:
    client.force_login(assistant)
    response = client.get(reverse("queue"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"


# --- logs -------------------------------------------------------------------------------------


def test_logs_never_contain_patient_details(caplog, settings) -> None:
    """A whole synthetic history (intake, routing, messages, reviews, appointments, sweeps)
    with logging at DEBUG: no patient's name, phone, birth date or message text in any line."""
    from closeloop.demo.seed import seed
    from closeloop.messaging.services import MessageRefused, deliver, message_send
    from closeloop.patients.models import Patient

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.INFO)  # SQL parameters are data
    seed(patients=30, items=80)
    sweep()
    # The history is recorded, never sent: live texts and emails go through the senders too
    # (the emergency notice, which no hour holds, so the test does not depend on the clock).
    for item in SupportItem.objects.filter(patient__isnull=False).order_by("pk")[:6]:
        for channel in ("sms", "email"):
            try:
                message = message_send(item=item, actor=None, channel=channel, purpose="emergency")
            except MessageRefused:
                continue  # no number or address, or opted out
            deliver(message.pk)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "SMS (console backend)" in text  # the capture works: messages were logged
    for patient in Patient.objects.all():
        for value in (
            patient.full_name,
            patient.phone,
            patient.email,
            str(patient.date_of_birth or ""),
        ):
            if value and value != "None":
                assert value not in text, f"a log line contains {value!r}"
    for summary in SupportItem.objects.values_list("summary", flat=True):
        assert summary not in text


def test_nothing_behind_a_login_or_token_may_be_cached(client, clock, make_item, supervisor):
    item = make_item()
    patient = item.patient
    client.force_login(supervisor)
    pages = [
        f"/items/{item.pk}/", f"/patients/{patient.pk}/", f"/patients/{patient.pk}/access/",
        "/queue.csv", "/metrics/weekly.pdf", "/alerts/",
    ]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    export = client.post(f"/patients/{patient.pk}/export.json", {"reason": "Patient request"})
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    api = Client().get(f"/api/v1/items/{item.pk}", **api_auth(supervisor))
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


def test_databases_backups_and_the_data_directory_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "CLOSELOOP_ENV": "demo", "CLOSELOOP_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "closeloop"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=300)
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "closeloop.sqlite3").stat().st_mode & 0o777 == 0o600
    backup = tmp_path / "backup.sqlite3"
    subprocess.run([*run, "backup", str(backup)], env=env, check=True, timeout=120)
    assert backup.stat().st_mode & 0o777 == 0o600
    subprocess.run([*run, "restore", str(backup), "--yes"], env=env, check=True, timeout=120)
    assert (data / "closeloop.sqlite3").stat().st_mode & 0o777 == 0o600
    # Without --yes and without a terminal: a clear refusal, not a traceback.
    refused = subprocess.run(
        [*run, "restore", str(backup)], env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "add --yes" in refused.stderr
