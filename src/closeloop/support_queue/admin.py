from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from closeloop.support_queue.models import SupportItem, TimelineEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Items change only through the lifecycle services; the admin site may look, not touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupportItem)
class SupportItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "practice", "category", "status", "owner", "promised_update_at")
    list_filter = ("practice", "status")
    list_select_related = ("practice", "category", "owner")


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "item_id", "code", "actor", "at")
    list_filter = ("code",)
