"""The audit log is tamper-evident (issue 18 #6): a hash chain over every event, verified by
``closeloop audit verify`` (first broken link) and daily by the sweep. The chain follows the
order events commit in, never their own time, and anchors kept outside the database show a
log cut short (issue 29 #7, #8)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from closeloop.periodic.sweep import sweep
from closeloop.security import audit, chain
from closeloop.security.models import (
    AuditAction,
    AuditAppendOnlyError,
    AuditChainLink,
    AuditCheck,
    AuditEvent,
)

pytestmark = pytest.mark.django_db


def events(n: int) -> list[AuditEvent]:
    return [
        audit.record(AuditAction.VIEW, object_type="patients.patient", object_id=i)
        for i in range(n)
    ]


def keyed(event_id: int | None, **values: Any) -> AuditEvent:
    """An event as ``audit.record`` writes it (with its MAC), but with the id and time given."""
    row = {"at": timezone.now(), "user_id": None, "username": "", "channel": "page",
           "action": AuditAction.VIEW, "object_type": "x", "object_id": "", "practice_id": None,
           "patient_id": None, "fields": [], "ip": None, "user_agent": "", "path": "",
           "detail": {}, **values}  # fmt: skip
    return AuditEvent.objects.create(id=event_id, **row, mac=chain.event_mac(row))


@contextmanager
def triggers_off(table: str) -> Any:
    """What someone with the database's own credentials can do behind the application."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield cursor
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            short = {"security_auditchainlink": "chain", "security_auditcheck": "check"}.get(
                table, "audit"
            )
            cursor.execute(f"DROP TRIGGER security_{short}_no_update")
            cursor.execute(f"DROP TRIGGER security_{short}_no_delete")
            yield cursor


def test_an_intact_chain_verifies(clock) -> None:
    events(5)
    assert chain.seal() >= 5 and chain.seal() == 0
    result = chain.verify()
    assert result.ok and result.links == AuditEvent.objects.count()
    call_command("audit", "verify")


def test_a_changed_event_is_the_first_broken_link(clock) -> None:
    first, second, third = events(3)
    chain.seal()
    with triggers_off("security_auditevent") as cursor:
        cursor.execute(
            "UPDATE security_auditevent SET username = %s WHERE id = %s", ["someone", second.pk]
        )
    result = chain.verify()
    assert not result.ok and f"(event {second.pk}): the event was changed" in result.problem
    with pytest.raises(CommandError, match=f"event {second.pk}"):
        call_command("audit", "verify")


def test_a_deleted_event_or_link_breaks_the_chain(clock) -> None:
    victims = events(4)
    chain.seal()
    with triggers_off("security_auditevent") as cursor:
        cursor.execute("DELETE FROM security_auditevent WHERE id = %s", [victims[1].pk])
    assert "the event was deleted" in chain.verify().problem
    link = AuditChainLink.objects.get(event_id=victims[2].pk)
    with triggers_off("security_auditchainlink") as cursor:
        cursor.execute("DELETE FROM security_auditchainlink WHERE seq < %s", [link.seq])
    assert chain.verify().problem.startswith("link 1 is missing")


def test_a_chain_cut_short_after_a_daily_check_is_reported(clock, settings) -> None:
    settings.AUDIT_EMAILS = ["ops@example.com"]
    events(3)
    sweep()  # seals, then the day's check records the head
    check = AuditCheck.objects.get()
    assert check.ok and check.links >= 3
    assert chain.daily_check() is None  # once a day
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Any session may set the maintenance switch: the chain makes it evident.
            cursor.execute("SET LOCAL closeloop.audit_maintenance = 'on'")
            cursor.execute("TRUNCATE security_auditevent, security_auditchainlink")
            cursor.execute("SET LOCAL closeloop.audit_maintenance = 'off'")
        else:
            with triggers_off("security_auditevent"):
                cursor.execute("DELETE FROM security_auditevent")
            with triggers_off("security_auditchainlink"):
                cursor.execute("DELETE FROM security_auditchainlink")
    problem = chain.verify().problem
    assert "it was cut short" in problem
    clock.shift(timedelta(days=1))
    sweep()
    broken = AuditCheck.objects.order_by("-date").first()
    assert broken is not None and not broken.ok
    assert mail.outbox[-1].subject == "[Closeloop] The audit log's chain is broken"


def test_maintenance_is_audited_before_it_starts() -> None:
    before = AuditEvent.objects.count()
    with audit.maintenance("test reset"):
        row = AuditEvent.objects.order_by("-id").first()
        assert row is not None and row.action == AuditAction.MAINTENANCE
        assert row.detail == {"event": "test reset"}
    assert AuditEvent.objects.count() == before + 1


def test_links_and_checks_are_append_only(clock) -> None:
    events(1)
    chain.seal()
    link = AuditChainLink.objects.first()
    assert link is not None
    with pytest.raises(AuditAppendOnlyError):
        link.delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditchainlink")


def audit_command(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue().strip()


def test_an_event_hours_old_that_commits_after_newer_ones_were_sealed_verifies_intact(
    clock,
) -> None:
    """A transaction took an id, stamped its event three hours back (a long transaction, or
    the demo writing its older weeks on a moved clock) and committed after a newer event had
    been sealed: it is sealed next, in the order it committed, and the chain is intact."""
    first = events(1)[0]
    keyed(first.pk + 2)
    chain.seal()
    late = keyed(first.pk + 1, at=timezone.now() - timedelta(hours=3))
    clock.shift(timedelta(minutes=1))
    chain.seal()
    clock.shift(timedelta(minutes=30))
    result = chain.verify()
    assert result.problem == ""
    assert AuditChainLink.objects.filter(event_id=late.pk).exists()
    assert result.pending == 0 and result.links == AuditEvent.objects.count()
    assert audit_command("verify").startswith("Audit chain intact")


@pytest.mark.django_db(transaction=True)
def test_a_transaction_committing_late_on_postgresql_is_sealed_in_commit_order() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time: a transaction commits before the next one "
            "takes an id, so ids are already in commit order"
        )
    inserted, committed = threading.Event(), threading.Event()
    late_ids: list[int] = []

    def long_transaction() -> None:
        try:
            with transaction.atomic():
                event = keyed(None, at=timezone.now() - timedelta(hours=5), channel="worker")
                late_ids.append(event.pk)
                inserted.set()
                committed.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_transaction)
    thread.start()
    assert inserted.wait(30)
    newer = events(3)
    assert chain.seal() >= 3  # the newer events, committed; the long transaction's is not
    committed.set()
    thread.join(30)
    assert late_ids and late_ids[0] < newer[0].pk
    assert chain.seal() == 1
    result = chain.verify()
    assert result.problem == "" and result.pending == 0
    last = AuditChainLink.objects.order_by("-seq").first()
    assert last is not None and last.event_id == late_ids[0]


@pytest.mark.django_db(transaction=True)
def test_a_database_upgraded_from_before_the_chain_is_not_yet_sealed_then_intact() -> None:
    """Events written by a version without the chain: ``verify`` says they are not sealed
    yet (not that the chain is broken) until they are sealed, then that it is intact."""
    before_chain = ("security", "0003_emergency_access_moves_to_practices")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("security")
    call_command("migrate", *before_chain, verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(before_chain).apps
        OldEvent = old.get_model("security", "AuditEvent")  # noqa: N806
        with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
            for n in range(12):
                OldEvent.objects.create(
                    action="view", channel="page", object_type="patients.patient", object_id=n
                )
    finally:
        call_command("migrate", "security", latest[0][1], verbosity=0)
    count = AuditEvent.objects.count()
    result = chain.verify()
    assert result.problem == "" and result.links == 0 and count >= 12
    assert result.unkeyed == count and result.pending == 0
    assert f"Not in the chain: {count} event(s) without a MAC" in audit_command("verify")
    # The sweep never seals events without a MAC; the upgrade step does, once.
    assert audit_command("seal") == "Sealed 0 audit event(s) into the chain."
    assert audit_command("seal", "--unkeyed") == f"Sealed {count} audit event(s) into the chain."
    assert audit_command("verify").startswith(f"Audit chain intact: {count} link(s)")
    assert f"Sealed before keyed events: {count} event(s)" in audit_command("verify")
    assert "Not yet sealed" not in audit_command("verify")
    assert "Not in the chain" not in audit_command("verify")


def test_events_not_sealed_yet_are_counted_apart_from_a_broken_chain(clock) -> None:
    events(2)
    chain.seal()
    audit.record(AuditAction.VIEW, object_type="x")
    clock.shift(timedelta(minutes=30))
    result = chain.verify()
    assert result.ok and result.pending == 1
    assert "Not yet sealed: 1 event(s)" in audit_command("verify")
    chain.seal()
    assert chain.verify().pending == 0


def test_the_newest_events_deleted_with_their_links_are_caught_by_an_anchor(
    clock, tmp_path: Path
) -> None:
    events(3)
    chain.seal()
    older_anchor = audit_command("anchor")
    victims = events(4)
    clock.shift(timedelta(hours=2))
    chain.seal()
    anchor = audit_command("anchor")
    assert anchor.startswith("closeloop-audit-anchor ") and anchor != older_anchor
    ids = [v.pk for v in victims[-2:]]
    with triggers_off("security_auditchainlink") as cursor:
        cursor.execute("DELETE FROM security_auditchainlink WHERE event_id IN (%s, %s)", ids)
    with triggers_off("security_auditevent") as cursor:
        cursor.execute("DELETE FROM security_auditevent WHERE id IN (%s, %s)", ids)
    # Nothing inside the database can tell: the chain that is left is whole.
    assert audit_command("verify").startswith("Audit chain intact")
    # The operator's file of anchors: the last one counts.
    kept = tmp_path / "audit-anchors.txt"
    kept.write_text(f"{older_anchor}\n{anchor}\n")
    with pytest.raises(CommandError, match="cut short"):
        audit_command("verify", "--anchor-file", str(kept))
    with pytest.raises(CommandError, match="cut short"):
        audit_command("verify", "--anchor", anchor)
    assert audit_command("verify", "--anchor", older_anchor).startswith("Audit chain intact")
    with pytest.raises(CommandError, match="not an audit anchor"):
        audit_command("verify", "--anchor", "links=3 head=xyz")


def test_emptying_the_log_its_chain_and_its_checks_is_caught_by_an_anchor(clock) -> None:
    events(3)
    sweep()  # sealed, and the day's check stored in the database
    anchor = audit_command("anchor")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL closeloop.audit_maintenance = 'on'")
            cursor.execute(
                "TRUNCATE security_auditevent, security_auditchainlink, security_auditcheck"
            )
            cursor.execute("SET LOCAL closeloop.audit_maintenance = 'off'")
        else:
            for table in ("security_auditevent", "security_auditchainlink", "security_auditcheck"):
                with triggers_off(table):
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert audit_command("verify").startswith("Audit chain intact: 0 link(s)")
    with pytest.raises(CommandError, match="cut short"):
        audit_command("verify", "--anchor", anchor)


def test_the_daily_check_emails_the_anchor_to_the_operators(clock, settings) -> None:
    settings.AUDIT_EMAILS = ["ops@example.com"]
    events(2)
    sweep()
    [message] = mail.outbox
    assert message.to == ["ops@example.com"]
    assert message.extra_headers["X-Closeloop-Delivery"].startswith("audit-check-")
    [line] = [x for x in message.body.splitlines() if x.startswith("closeloop-audit-anchor ")]
    assert audit_command("verify", "--anchor", line).startswith("Audit chain intact")


# --- events keyed at write time (adversarial review of issue 29, F4) ---------------------------


def insert_behind_the_application(**values: Any) -> int:
    """What someone with the database's credentials (not the server's settings) can write."""
    row = {"at": timezone.now(), "username": "eve", "channel": "page", "action": AuditAction.VIEW,
           "object_type": "patients.patient", "object_id": "7", "fields": "[]", "detail": "{}",
           "user_agent": "", "path": "", **values}  # fmt: skip
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO security_auditevent ({columns}) VALUES ({marks})",  # noqa: S608
            list(row.values()),
        )
    return int(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0])


def test_an_event_inserted_behind_the_application_is_never_sealed_into_the_chain(clock) -> None:
    events(3)
    forged = insert_behind_the_application()
    clock.shift(timedelta(hours=2))
    chain.seal_all()
    assert not AuditChainLink.objects.filter(event_id=forged).exists()
    result = chain.verify()
    assert result.unkeyed == 1 and result.links == 3
    assert "1 event(s) without a MAC" in audit_command("verify")


def test_an_event_inserted_with_a_made_up_mac_is_a_broken_chain(clock) -> None:
    events(2)
    forged = insert_behind_the_application(mac="0" * 64)
    chain.seal_all()
    assert not AuditChainLink.objects.filter(event_id=forged).exists()
    result = chain.verify()
    assert not result.ok and f"event {forged}" in result.problem and "MAC" in result.problem


def test_a_changed_event_resealed_after_its_links_were_deleted_is_still_caught(clock) -> None:
    """Change an event, delete its link and those after it, let the sweep seal again: the
    event's own MAC, made when it was written, no longer matches."""
    first, second, third = events(3)
    chain.seal_all()
    with triggers_off("security_auditevent") as cursor:
        cursor.execute(
            "UPDATE security_auditevent SET username = %s WHERE id = %s", ["someone", second.pk]
        )
    link = AuditChainLink.objects.get(event_id=second.pk)
    with triggers_off("security_auditchainlink") as cursor:
        cursor.execute("DELETE FROM security_auditchainlink WHERE seq >= %s", [link.seq])
    chain.seal_all()
    result = chain.verify()
    assert not result.ok and f"event {second.pk}" in result.problem


def test_a_link_recomputed_without_the_key_is_a_broken_chain(clock) -> None:
    """The link's hash is an HMAC: a plain SHA-256 (or another key) does not follow."""
    import hashlib

    first, second = events(2)
    chain.seal_all()
    link = AuditChainLink.objects.get(event_id=second.pk)
    event = chain._events([second.pk])[second.pk]
    plain = hashlib.sha256(link.prev_hash.encode() + b"\n" + chain.content(event)).hexdigest()
    with triggers_off("security_auditchainlink") as cursor:
        cursor.execute(
            "UPDATE security_auditchainlink SET hash = %s WHERE seq = %s", [plain, link.seq]
        )
    assert f"(event {second.pk}): the event was changed" in chain.verify().problem


def test_a_dedicated_audit_key_and_its_fallback_verify_older_links(clock, settings) -> None:
    events(2)
    chain.seal_all()
    settings.AUDIT_KEY = "a-dedicated-audit-key-" + "k" * 40
    events(2)
    chain.seal_all()
    assert chain.verify().ok  # the SECRET_KEY-derived key still verifies the older ones
    settings.AUDIT_KEY_FALLBACKS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "the-next-audit-key-" + "n" * 40
    events(1)
    chain.seal_all()
    assert chain.verify().ok
    settings.AUDIT_KEY_FALLBACKS = []
    settings.SECRET_KEY_FALLBACKS = []
    settings.SECRET_KEY = "another-secret-key-" + "s" * 40
    assert not chain.verify().ok  # without the keys that made them, nothing verifies
