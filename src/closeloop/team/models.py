"""One team across practices and shifts: absences with their cover, each practice's playbook
(versioned), and saved queue views."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from closeloop.practices.models import Organization, Practice
from closeloop.practices.tenancy import TenantQuerySet


class Absence(models.Model):
    """A person away (holiday, sick leave): from ``starts_at`` until ``ends_at``, or until they
    say they are back (``ends_at`` empty). While away they get no new items; when it starts,
    their items with deadlines during it go to ``cover`` (or, with no cover, are listed for the
    supervisors to reassign)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covering",
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: When the items were handed to the cover (the sweep starts absences once).
    applied_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "starts_at"], name="absence_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} away from {self.starts_at:%Y-%m-%d}"

    @staticmethod
    def current(now: object = None) -> Q:
        """Absences under way at ``now``."""
        now = now or timezone.now()
        return Q(starts_at__lte=now, returned_at__isnull=True) & (
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class PlaybookSection(models.TextChoices):
    GREETINGS = "greetings", "Greetings and phone manner"
    PROVIDERS = "providers", "Providers and their schedules"
    LOCATIONS = "locations", "Locations and hours"
    APPOINTMENT_TYPES = "appointment_types", "Appointment types and lengths"
    INSURANCE = "insurance", "Insurance plans accepted"
    FAX = "fax", "Fax and phone numbers"
    REFERRALS = "referrals", "Referral destinations"
    ESCALATION = "escalation", "Escalation paths"
    OTHER = "other", "Other"


class PlaybookQuerySet(TenantQuerySet["PlaybookEntry"]):
    pass


class PlaybookEntry(models.Model):
    """One entry of a practice's playbook: what a remote assistant reads beside the item."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="playbook")
    section = models.CharField(max_length=20, choices=PlaybookSection.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    #: One more with each edit; every earlier text is kept in ``PlaybookRevision``.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PlaybookQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["section", "position", "title"]

    def __str__(self) -> str:
        return self.title


class PlaybookRevision(models.Model):
    """An entry's text as it was before an edit (or its removal)."""

    entry = models.ForeignKey(
        PlaybookEntry, on_delete=models.SET_NULL, null=True, related_name="revisions"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    section = models.CharField(max_length=20, choices=PlaybookSection.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    edited_at = models.DateTimeField()
    removed = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class SavedView(models.Model):
    """A filtered queue saved under a name, for its owner or shared with the organization's
    team (each viewer still sees only the items of the practices they serve)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    #: The queue's query string (tab and filters), as the queue page reads it.
    query = models.CharField(max_length=500)
    shared = models.BooleanField("shared with the team", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name
