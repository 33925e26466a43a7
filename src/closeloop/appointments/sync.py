"""The periodic FHIR pull for practices with a FHIR base URL.

The sweep claims a practice's sync (a conditional update of ``fhir_sync_claimed_at``) and
enqueues the task in the same transaction; a worker that dies mid-sync leaves a claim that
expires after ``SYNC_INTERVAL``, and the next sweep runs it again. Upserts make that safe.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from closeloop.appointments.client import FhirClient, FhirFetchError, import_from_server
from closeloop.practices.models import Practice

logger = logging.getLogger(__name__)

SYNC_INTERVAL = timedelta(minutes=15)
#: The window pulled each time: yesterday (no-shows get marked) to this many days ahead.
DAYS_BACK, DAYS_AHEAD = 1, 30


def _due(now: datetime) -> Q:
    return ~Q(fhir_base_url="") & (
        Q(fhir_sync_claimed_at__isnull=True) | Q(fhir_sync_claimed_at__lte=now - SYNC_INTERVAL)
    )


def fhir_syncs_due(now: datetime) -> int:
    started = 0
    for practice_id in Practice.objects.filter(_due(now)).values_list("pk", flat=True):
        with transaction.atomic():
            won = Practice.objects.filter(_due(now), pk=practice_id).update(
                fhir_sync_claimed_at=now
            )
            if won:
                sync_practice.enqueue(practice_id)
                started += 1
    return started


@task()
def sync_practice(practice_id: int) -> dict[str, int]:
    practice = Practice.objects.get(pk=practice_id)
    today = timezone.localdate(timezone=ZoneInfo(practice.timezone))
    try:
        client = FhirClient(practice.fhir_base_url, practice.fhir_token)
        summary = import_from_server(
            practice, client, today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
        )
    except FhirFetchError as exc:
        # The URL is configuration, not patient data; the reason names the request.
        logger.warning("fhir sync for practice %s failed: %s", practice_id, exc)
        return {"failed": 1}
    counts = {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": len(summary.rejected),
    }
    logger.info("fhir sync for practice %s: %s", practice_id, counts)
    return counts
