"""Each practice's playbook: greetings, providers and their schedules, locations and hours,
appointment types, insurance plans, fax numbers, referral destinations, escalation paths —
what a remote assistant serving many practices reads beside the item. Searchable ("fax" finds
the fax number); edited by the practice's admins; every edit keeps the earlier text."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.models import Practice
from closeloop.team.models import PlaybookEntry, PlaybookRevision, PlaybookSection

MAX_RESULTS = 8


def entries_for(user: User, practice: Practice | None = None) -> QuerySet[PlaybookEntry]:
    """Entries of the practices ``user`` serves (or of one of them)."""
    entries = PlaybookEntry.objects.for_user(user).select_related("practice")
    if practice is not None:
        entries = entries.filter(practice=practice)
    return entries


def search(user: User, query: str, practice: Practice | None = None) -> list[PlaybookEntry]:
    """Entries whose title, section or text holds every word of ``query``; titles first."""
    words = [w for w in query.split() if len(w) >= 2][:6]
    if not words:
        return []
    entries = entries_for(user, practice)
    section_codes = {
        code
        for code, label in PlaybookSection.choices
        if any(w.lower() in label.lower() for w in words)
    }
    for word in words:
        entries = entries.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(section__in=section_codes)
        )
    ranked = entries.annotate(
        in_title=Case(
            When(title__icontains=words[0], then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("in_title", "practice__name", "section", "position")
    return list(ranked[:MAX_RESULTS])


def _revision(entry: PlaybookEntry, actor: User, *, removed: bool = False) -> None:
    PlaybookRevision.objects.create(
        entry=entry,
        practice=entry.practice,
        version=entry.version,
        section=entry.section,
        title=entry.title,
        body=entry.body,
        edited_by=actor,
        edited_at=timezone.now(),
        removed=removed,
    )


@transaction.atomic
def entry_save(
    *,
    actor: User,
    practice: Practice,
    section: str,
    title: str,
    body: str,
    entry: PlaybookEntry | None = None,
) -> PlaybookEntry:
    """Add an entry, or change one (its earlier text is kept as a revision)."""
    if entry is None:
        entry = PlaybookEntry(practice=practice, position=practice.playbook.count())
    else:
        _revision(entry, actor)
        entry.version += 1
    entry.section = section
    entry.title = title.strip()
    entry.body = body.strip()
    entry.updated_by = actor
    entry.updated_at = timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_delete(*, actor: User, entry: PlaybookEntry) -> None:
    _revision(entry, actor, removed=True)
    entry.delete()


def history(practice: Practice, limit: int = 30) -> list[PlaybookRevision]:
    return list(
        PlaybookRevision.objects.filter(practice=practice)
        .select_related("edited_by")
        .order_by("-edited_at", "-pk")[:limit]
    )
