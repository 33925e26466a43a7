"""The Django admin: for installation administrators (superusers) only. Practice and
organization admins configure their practices in the workspace's settings pages
(``/settings/``); the scoping below stays as a second line of defence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.choices import Role
from closeloop.practices.forms import RANGED_DATES, SecretFieldsMixin, https_urls
from closeloop.practices.models import (
    Category,
    CategoryScript,
    ChannelRoute,
    Holiday,
    OnCallShift,
    Organization,
    Practice,
    StaffProfile,
)
from closeloop.practices.selectors import staff_profile


def is_config_admin(user: User | AnonymousUser) -> bool:
    """Installation administrators only (practice admins use /settings/)."""
    return bool(user.is_active and user.is_superuser)


class ScopedAdmin(admin.ModelAdmin):
    """Rows limited to the admin's practices; choices of practices and categories likewise."""

    #: Lookup from this model to its practice's primary key.
    practice_lookup = "practice_id"
    formfield_overrides = RANGED_DATES

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        served = Practice.objects.for_user(request.user).values("pk")
        return queryset.filter(**{f"{self.practice_lookup}__in": served}).distinct()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scoped(request, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_config_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_config_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_config_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_config_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_config_admin(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            if db_field.related_model is Practice:
                kwargs["queryset"] = Practice.objects.for_user(request.user)
            elif db_field.related_model is Category:
                kwargs["queryset"] = Category.objects.for_user(request.user)
            elif db_field.related_model is Organization:
                profile = staff_profile(request.user)
                organizations = Organization.objects.all()
                kwargs["queryset"] = (
                    organizations.filter(pk=profile.organization_id)
                    if profile
                    else organizations.none()
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Practice and not request.user.is_superuser:
            kwargs["queryset"] = Practice.objects.for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    extra = 0
    formfield_overrides = RANGED_DATES

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_config_admin(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class HolidayFormSet(forms.BaseInlineFormSet):
    """One holiday per date and practice, said as a form error (the database constraint
    would otherwise end the request in an IntegrityError)."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        edited = {form.instance.pk for form in kept if form.instance.pk}
        taken = (
            set(
                Holiday.objects.filter(practice=self.instance)
                .exclude(pk__in=edited)
                .values_list("date", flat=True)
            )
            if self.instance.pk
            else set()
        )
        for form in kept:
            day = form.cleaned_data.get("date")
            if day is None:
                continue
            if day in taken:
                form.add_error("date", f"{day:%Y-%m-%d} is already a holiday of this practice.")
            taken.add(day)


class HolidayInline(ScopedInline):
    model = Holiday
    formset = HolidayFormSet


class ChannelRouteInline(ScopedInline):
    model = ChannelRoute
    verbose_name = "routing override by channel"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Category and not request.user.is_superuser:
            kwargs["queryset"] = Category.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OnCallShiftInline(ScopedInline):
    """The on-call rota: who is paged for urgent symptoms while the practice is closed."""

    model = OnCallShift
    verbose_name = "on-call shift"
    verbose_name_plural = "on-call shifts (times in the practice's time zone)"
    fields = ("clinician", "starts_at", "ends_at", "note")
    ordering = ("starts_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The rota from yesterday on: past shifts stay stored (the timeline names who was
        # paged), not listed.
        since = timezone.now() - timedelta(days=1)
        return super().get_queryset(request).filter(ends_at__gte=since)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "clinician":
            # Clinicians who serve one of the admin's practices (the model checks the practice).
            practices = Practice.objects.all()
            if not request.user.is_superuser:
                practices = Practice.objects.for_user(request.user)
            staff = StaffProfile.objects.filter(practices__in=practices, user__is_active=True)
            clinicians = {p.user_id for p in staff.distinct() if p.has_role(Role.CLINICAL)}
            users = get_user_model().objects.filter(pk__in=clinicians)
            kwargs["queryset"] = users.order_by("first_name", "username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryScriptInline(ScopedInline):
    model = CategoryScript
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_demo")
    prepopulated_fields = {"slug": ("name",)}


class PracticeForm(SecretFieldsMixin, forms.ModelForm):
    class Meta:
        model = Practice
        formfield_callback = https_urls
        # Every editable field (the admin site lists them).
        fields = tuple(
            f.name
            for f in Practice._meta.get_fields()
            if f.concrete and not f.auto_created and getattr(f, "editable", False)
        )


@admin.register(Practice)
class PracticeAdmin(ScopedAdmin):
    form = PracticeForm
    practice_lookup = "pk"
    list_display = ("name", "slug", "organization", "timezone")
    inlines = (HolidayInline, ChannelRouteInline, OnCallShiftInline)
    formfield_overrides = {**RANGED_DATES, models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # New practices come from the organization (they need default categories and staff).
        return request.user.is_superuser

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        # Times on this page (the on-call rota) are read and written in the practice's zone.
        practice = self.get_object(request, object_id)
        zone = practice.timezone if practice is not None else None
        with timezone.override(ZoneInfo(zone) if zone else None):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    list_display = ("name", "code", "practice", "default_team", "default_urgency", "active")
    list_filter = ("active",)
    inlines = (CategoryScriptInline,)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Categories with items are retired (active = off), never deleted.
        return request.user.is_superuser


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    practice_lookup = "practices"
    list_display = ("user", "organization", "roles", "languages", "available")
    filter_horizontal = ("practices",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # Only organization admins (and superusers) grant roles or create profiles for logins.
        profile = staff_profile(request.user)
        if request.user.is_superuser or (profile and profile.has_role(Role.ORG_ADMIN)):
            return ()
        return ("user", "organization", "roles")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        profile = staff_profile(request.user)
        return bool(request.user.is_superuser or (profile and profile.has_role(Role.ORG_ADMIN)))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The form only lists the admin's own practices; keep the ones they cannot see.
        hidden: list[Practice] = []
        if change and not request.user.is_superuser:
            visible = Practice.objects.for_user(request.user)
            hidden = list(form.instance.practices.exclude(pk__in=visible.values("pk")))
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.practices.add(*hidden)
