from django.contrib import admin
from django.db import models

from closeloop.practices.admin import ScopedAdmin, ScopedInline
from closeloop.webhooks.models import WebhookDelivery, WebhookEndpoint


class DeliveryInline(ScopedInline):
    model = WebhookDelivery
    fields = ("event", "state", "attempts", "next_attempt_at", "delivered_at")
    readonly_fields = fields
    ordering = ("-id",)
    max_num = 0
    can_delete = False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedAdmin):
    list_display = ("url", "practice", "events", "active")
    readonly_fields = ("secret",)
    # A URL typed without a scheme is https (the only scheme the policy takes).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (DeliveryInline,)
