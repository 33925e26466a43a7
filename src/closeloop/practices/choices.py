"""Vocabularies shared by practices, staff, categories and items. Values are stable codes."""

from django.db import models


class Role(models.TextChoices):
    SUPPORT = "support", "Support staff"
    FRONT_DESK = "front_desk", "Front desk"
    CLINICAL = "clinical", "Clinical staff"
    SUPERVISOR = "supervisor", "Supervisor"
    PRACTICE_ADMIN = "practice_admin", "Practice admin"
    ORG_ADMIN = "org_admin", "Organization admin"


#: Roles that configure practices in the admin site.
CONFIG_ADMIN_ROLES = frozenset({Role.PRACTICE_ADMIN, Role.ORG_ADMIN})


class Team(models.TextChoices):
    """Who works an item. A person is on a team when they hold the role of the same code."""

    SUPPORT = "support", "Support"
    FRONT_DESK = "front_desk", "Front desk"
    CLINICAL = "clinical", "Clinical"
    SUPERVISOR = "supervisor", "Supervisors"


class Skill(models.TextChoices):
    SCHEDULING = "scheduling", "Scheduling"
    INTAKE = "intake", "New-patient intake"
    INSURANCE = "insurance", "Insurance information"
    BILLING = "billing", "Billing"
    PRIOR_AUTHORIZATION = "prior_authorization", "Prior authorization"
    REFERRALS = "referrals", "Referrals and documents"
    TELEHEALTH = "telehealth", "Telehealth"
    COMPLAINTS = "complaints", "Complaints and reviews"
    TRIAGE = "triage", "Telephone triage"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone call"
    VOICEMAIL = "voicemail", "Voicemail"
    PORTAL = "portal", "Portal message"
    WEB_FORM = "web_form", "Web form"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    IN_PERSON = "in_person", "In person"
    INTERNAL = "internal", "Internal"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class Language(models.TextChoices):
    """Languages with shipped scripts; staff and patients may record any ISO 639-1 code."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


DEFAULT_WEEKLY_HOURS: dict[str, list[list[str]]] = {
    "mon": [["08:00", "17:00"]],
    "tue": [["08:00", "17:00"]],
    "wed": [["08:00", "17:00"]],
    "thu": [["08:00", "17:00"]],
    "fri": [["08:00", "17:00"]],
}
