"""The audit log is tamper-evident (issue 18 #6): a hash chain over every event, verified by
``closeloop audit verify`` (first broken link) and daily by the sweep."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from closeloop.periodic.sweep import sweep
from closeloop.security import audit, chain
from closeloop.security.models import (
    Action,
    AuditAppendOnlyError,
    AuditChainLink,
    AuditCheck,
    AuditEvent,
)

pytestmark = pytest.mark.django_db


def events(n: int) -> list[AuditEvent]:
    return [
        audit.record(Action.VIEW, object_type="patients.patient", object_id=i) for i in range(n)
    ]


@contextmanager
def triggers_off(table: str) -> Any:
    """What someone with the database's own credentials can do behind the application."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield cursor
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            short = "chain" if "chain" in table else "audit"
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


def test_an_event_slipped_in_behind_the_application_is_reported(clock) -> None:
    events(2)
    chain.seal()
    stray = AuditEvent.objects.create(action=Action.VIEW, channel="page", object_type="x")
    # The sweep would seal it; one that is not sealed within the window is suspicious.
    clock.shift(chain.SEAL_WINDOW + timedelta(minutes=1))
    assert f"event {stray.pk} is older than" in chain.verify().problem


def test_a_chain_cut_short_after_a_daily_check_is_reported(clock, settings) -> None:
    settings.ADMINS = [("Ops", "ops@example.com")]
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
    assert "it was cut or rewritten" in problem
    clock.shift(timedelta(days=1))
    sweep()
    broken = AuditCheck.objects.order_by("-date").first()
    assert broken is not None and not broken.ok
    assert [m.subject for m in mail.outbox] == [
        "[Django] Closeloop: the audit log's chain is broken"
    ]


def test_maintenance_is_audited_before_it_starts() -> None:
    before = AuditEvent.objects.count()
    with audit.maintenance("test reset"):
        row = AuditEvent.objects.order_by("-id").first()
        assert row is not None and row.action == Action.MAINTENANCE
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
