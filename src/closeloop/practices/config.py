"""A practice's rarely changed configuration, read once per process instead of on every
intake and every action: its holidays (every deadline), its channel routes (routing) and its
webhook endpoints (every timeline event).

What is cached is keyed on the practice row's ``config_version`` (bumped in the database by
every change, so other processes, which read the practice afresh on each request, miss their
old entries) and on this process's own generation (bumped by every change made here, so an
instance read before the change cannot find old values). A value is always read after the
practice row it is keyed on, so an entry never holds older data than its version: the cache
can only be as stale as the practice row the caller already holds.

A transaction that changes the configuration may still roll back: until it commits, this
connection neither reads nor fills the cache (what it reads there is not yet, and may never
be, anyone's configuration). After a rollback the cache stays bypassed on this process until
a read outside any transaction; on commit the generation moves on again.

Changes through models (``save``, ``delete``) are seen by the signals ``watch`` connects; code
that changes these rows with ``QuerySet.update`` or ``bulk_create`` calls ``changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

#: Entries kept before the cache is emptied (a process serves a few hundred practices).
MAX_ENTRIES = 5000

_generation = 0
_cache: dict[tuple[int, int, int, str], Any] = {}
#: Connections (aliases) inside a transaction that changed some configuration.
_uncommitted: set[str] = set()


def cached(practice: Any, name: str, load: Callable[[], T]) -> T:
    """``load()``'s answer for this practice's current configuration."""
    connection = transaction.get_connection()
    if connection.alias in _uncommitted:
        if connection.in_atomic_block:
            return load()
        _uncommitted.discard(connection.alias)  # outside a transaction: nothing pending
    key = (practice.pk, practice.config_version, _generation, name)
    try:
        return _cache[key]
    except KeyError:
        pass
    value = load()
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = value
    return value


def changed(practice_id: int) -> None:
    """The practice's configuration changed: every process reads it again."""
    _forget()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _uncommitted.add(connection.alias)
        transaction.on_commit(_committed)
    # By name, not by import: ``practices/models.py`` imports this module (its models call
    # ``changed`` when they are saved), so importing the models here would be a cycle.
    Practice = apps.get_model("practices", "Practice")
    Practice.objects.filter(pk=practice_id).update(config_version=F("config_version") + 1)


def reset() -> None:
    """Forget everything cached and every pending change (tests start each so)."""
    _uncommitted.clear()
    _forget()


def _forget() -> None:
    global _generation
    _generation += 1
    _cache.clear()


def _committed() -> None:
    _uncommitted.discard(transaction.get_connection().alias)
    _forget()


def _on_change(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.practice_id is not None:
        changed(instance.practice_id)


def watch(*models: type[Model]) -> None:
    """Changes to rows of ``models`` (each with a ``practice``) change the configuration."""
    for model in models:
        uid = f"closeloop_config_{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid)
