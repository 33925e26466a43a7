"""The audit log (append-only)."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk changes refused: rows of the audit log are only ever added."""

    def update(self, **kwargs: object) -> int:
        raise AuditAppendOnlyError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError("the audit log is append-only")


class AppendOnly(models.Model):
    """A row that is written once and never changed or deleted (the audit log, its chain and
    its checks); database triggers refuse the same below the ORM."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditAppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Django's own arguments

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError("the audit log is append-only")


class Channel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    WORKER = "worker", "Background worker"
    CLI = "cli", "Command line"
    WEBHOOK = "webhook", "Inbound webhook"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOGOUT = "logout", "Logged out"
    MFA = "mfa", "Two-factor event"
    BREAK_GLASS = "break_glass", "Emergency access"
    PURGE = "purge", "Free text purged (retention)"
    BACKUP = "backup", "Backup"
    MAINTENANCE = "maintenance", "Audit maintenance"


class AuditQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    pass


class AuditEvent(AppendOnly):
    """Who did what to which object, when, from where, through which channel.

    Values are never stored: ``fields`` names what was read or changed, so the log itself
    holds no patient details. Append-only: the model, its queryset and a database trigger
    (SQLite and PostgreSQL) refuse UPDATE and DELETE.
    """

    at = models.DateTimeField(default=timezone.now)
    # No database constraint: the log outlives the rows it mentions.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    practice_id = models.BigIntegerField(null=True, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    fields = models.JSONField(default=list, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    #: HMAC of the event's content, made when it is written with a key the database does not
    #: hold (``chain.event_mac``): the sealer links only events that carry a good one. Empty on
    #: events written before keyed events.
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["patient_id", "at"], name="audit_patient_idx"),
            models.Index(fields=["practice_id", "at"], name="audit_practice_idx"),
            models.Index(fields=["user", "at"], name="audit_user_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'} {self.action} {self.object_type}"
        )


class AuditLinkQuerySet(AppendOnlyQuerySet["AuditChainLink"]):
    pass


class AuditChainLink(AppendOnly):
    """One link of the audit log's hash chain: the event it seals, the previous link's hash
    and its own — an HMAC (keyed from ``SECRET_KEY``, which the database does not hold) of the
    previous hash and the event's content. ``seq`` runs 1, 2, 3… without gaps, so a deleted,
    changed or inserted event, or a removed link, breaks the chain where it happened
    (``closeloop audit verify``). Append-only like the events (model and triggers)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="link"
    )
    sealed_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditLinkQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["seq"]
        # The minute's sealing looks for a link sealed an hour ago (``chain._floor``).
        indexes: ClassVar = [models.Index(fields=["sealed_at"], name="audit_link_sealed_idx")]

    def __str__(self) -> str:
        return f"link {self.seq} → event {self.event_id}"


class AuditCheckQuerySet(AppendOnlyQuerySet["AuditCheck"]):
    pass


class AuditCheck(AppendOnly):
    """The sweep's daily verification of the chain: one row a day, its result and the chain's
    head at the time — an anchor (also logged) that the next verification compares with, so
    a chain cut short or rebuilt shows. Append-only like the log."""

    date = models.DateField(unique=True)
    checked_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    links = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    problem = models.TextField(blank=True)

    objects = AuditCheckQuerySet.as_manager()

    def __str__(self) -> str:
        return f"audit check {self.date}: {'ok' if self.ok else 'BROKEN'}"


class CredentialKind(models.TextChoices):
    PASSWORD = "password", "Password"
    MFA = "mfa", "Two-factor sign-in"


class CredentialReset(models.Model):
    """A password or second factor someone else set for a person (an admin's temporary
    password, a removed authenticator). The person sets their own at their next sign-in
    (``replaced_at``); until then emergency grants they make are refused, since whoever gave
    the temporary password could be signing in as them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CredentialKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["user"],
                condition=models.Q(replaced_at__isnull=True),
                name="credential_reset_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of user {self.user_id} reset at {self.at:%Y-%m-%d %H:%M}"
