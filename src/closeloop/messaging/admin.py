from django.contrib import admin

from closeloop.messaging.models import MessageTemplate
from closeloop.practices.admin import ScopedAdmin


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ScopedAdmin):
    list_display = ("purpose", "language", "category", "practice")
    list_filter = ("purpose", "language")
