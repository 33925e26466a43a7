"""Bookkeeping of the periodic work itself (the snapshots it takes live with the metrics)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """Each worker's last minute tick, for the health check's worker-lag figure."""

    worker_id = models.CharField(max_length=200, unique=True)
    last_tick_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.worker_id} at {self.last_tick_at:%H:%M:%S}"
