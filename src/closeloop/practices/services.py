"""Writes for practices, staff and categories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from closeloop.core.languages import patient_languages
from closeloop.practices.choices import DEFAULT_WEEKLY_HOURS
from closeloop.practices.default_scripts import default_script, patient_name
from closeloop.practices.defaults import DEFAULT_CATEGORIES
from closeloop.practices.models import (
    Category,
    CategoryScript,
    Organization,
    Practice,
    StaffProfile,
)


@transaction.atomic
def practice_create(
    *,
    organization: Organization,
    name: str,
    slug: str,
    timezone: str,
    business_hours: dict[str, list[list[str]]] | None = None,
    phone: str = "",
    review_link: str = "",
) -> Practice:
    """Create a practice with the default categories; validates every field first."""
    practice = Practice(
        organization=organization,
        name=name,
        slug=slug,
        timezone=timezone,
        business_hours=business_hours if business_hours is not None else DEFAULT_WEEKLY_HOURS,
        phone=phone,
        review_link=review_link,
    )
    practice.full_clean()
    practice.save()
    languages = patient_languages()
    categories = [
        Category(
            practice=practice,
            position=position,
            patient_names={
                language: shipped
                for language in languages
                if (shipped := patient_name(spec["code"], language)) is not None
            },
            **spec,
        )
        for position, spec in enumerate(DEFAULT_CATEGORIES)
    ]
    Category.objects.bulk_create(categories)
    CategoryScript.objects.bulk_create(
        CategoryScript(category=category, language=language, **script._asdict())
        for category in practice.categories.all()
        for language in languages
        if (script := default_script(category.code, language)) is not None
    )
    return practice


@transaction.atomic
def staff_create(
    *,
    organization: Organization,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Sequence[str],
    skills: Sequence[str] = (),
    languages: Sequence[str] = ("en",),
    practices: Iterable[Practice] = (),
) -> Any:
    """Create a login with its staff profile (validated) and the practices it serves."""
    user_model = get_user_model()
    user = user_model(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        # Practice and organization admins configure in /settings/; the Django admin (is_staff)
        # is for installation administrators only.
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    profile = StaffProfile(
        user=user,
        organization=organization,
        roles=list(roles),
        skills=list(skills),
        languages=list(languages),
    )
    profile.full_clean()
    profile.save()
    profile.practices.set(list(practices))
    return user


@transaction.atomic
def practice_add_language(*, practice: Practice, language: str) -> int:
    """What the catalog ships for ``language`` (each category's scripts and name for
    patients), added where the practice has none yet; returns how many were added. What the
    catalog lacks, the practice writes in Settings (``closeloop languages check`` lists it)."""
    added = 0
    for category in practice.categories.all():
        shipped = patient_name(category.code, language)
        if shipped and not category.name_for_patients(language):
            category.patient_names = {**category.patient_names, language: shipped}
            category.save(update_fields=["patient_names"])
            added += 1
        script = default_script(category.code, language)
        if script is not None and not category.scripts.filter(language=language).exists():
            CategoryScript.objects.create(category=category, language=language, **script._asdict())
            added += 1
    return added
