from django.contrib import admin

from closeloop.practices.models import Category, Holiday, Organization, Practice, StaffProfile


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_demo")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "organization", "timezone")
    list_filter = ("organization",)
    inlines = (HolidayInline,)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "roles", "languages")
    filter_horizontal = ("practices",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "practice", "default_team", "default_urgency", "active")
    list_filter = ("practice", "active")
