from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from closeloop.core.outbound import validate_outbound_url
from closeloop.core.secrets_at_rest import SealedTextField
from closeloop.core.sms import Account
from closeloop.lib import placeholders
from closeloop.lib.business_hours import (
    BusinessCalendar,
    CalendarError,
    load_timezone,
    parse_weekly_hours,
)
from closeloop.lib.phones import PhoneError, display_phone, normalize_phone
from closeloop.practices import config
from closeloop.practices.choices import (
    DEFAULT_WEEKLY_HOURS,
    Channel,
    Language,
    Role,
    Skill,
    Team,
    Urgency,
)
from closeloop.practices.defaults import COMPLAINT_CATEGORY
from closeloop.practices.tenancy import TenantQuerySet

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}$")
DEFAULT_EMERGENCY_SCRIPT = (
    "If you are having chest pain, trouble breathing, signs of a stroke, severe bleeding or "
    "thoughts of harming yourself, hang up and call 911 now (or 988 for the Suicide & Crisis "
    "Lifeline). I am alerting our clinical team right away."
)
DEFAULT_EMERGENCY_SCRIPT_ES = (
    "Si tiene dolor de pecho, dificultad para respirar, señales de un derrame, sangrado fuerte "
    "o pensamientos de hacerse daño, cuelgue y llame al 911 ahora (o al 988, Línea de Prevención "
    "del Suicidio y Crisis). Estoy avisando a nuestro equipo clínico de inmediato."
)


def validate_timezone(value: str) -> None:
    try:
        load_timezone(value)
    except CalendarError as exc:
        raise ValidationError(str(exc)) from None


def validate_weekly_hours(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError('business hours must be an object like {"mon": [["09:00", "17:00"]]}')
    try:
        parsed = parse_weekly_hours(value)
    except (CalendarError, TypeError) as exc:
        raise ValidationError(f"business hours: {exc}") from None
    if not any(parsed.values()):
        raise ValidationError("business hours: the practice must be open on at least one day")


def validate_phone(value: str) -> None:
    if value:
        try:
            if normalize_phone(value) != value:
                raise ValidationError("phone numbers are stored in E.164 form, e.g. +13125550142")
        except PhoneError as exc:
            raise ValidationError(str(exc)) from None


@deconstructible
class CodeListValidator:
    """A JSON list whose entries are all codes of one vocabulary."""

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = list(allowed)

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError("must be a list of codes")
        unknown = sorted(set(value) - set(self.allowed))
        if unknown:
            raise ValidationError(f"unknown code(s): {', '.join(unknown)}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.allowed == self.allowed

    def __hash__(self) -> int:
        return hash(tuple(self.allowed))


def validate_languages_code(value: str) -> None:
    if not LANGUAGE_CODE_RE.match(value):
        raise ValidationError("use an ISO 639 code such as en or es")


def validate_languages(value: Any) -> None:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and LANGUAGE_CODE_RE.match(v) for v in value
    ):
        raise ValidationError("languages are ISO 639 codes such as en, es")


def validate_patient_names(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and LANGUAGE_CODE_RE.match(k) and isinstance(v, str) and v.strip()
        for k, v in value.items()
    ):
        raise ValidationError('names for patients are {"<language code>": "name", …}')


class Organization(models.Model):
    """A support organization: the people who serve one or many practices."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    is_demo = models.BooleanField(default=False)
    #: Two-factor sign-in (TOTP) for every staff member. Off only in the demo, where the
    #: banner says so.
    require_mfa = models.BooleanField("require two-factor sign-in", default=True)
    #: Closed items' free text (summaries, notes, messages) is purged this many days after
    #: closing; empty keeps it. Counts, dates and the audit log stay.
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PracticeQuerySet(TenantQuerySet["Practice"]):
    tenant_field = "id"


def quiet_hours_start() -> time:
    """The default start of a practice's quiet hours for texts (8 pm). A callable, not a fixed
    value: Django's system check warns of a fixed time default within seconds of it."""
    return time(20, 0)


def quiet_hours_end() -> time:
    """The default end of a practice's quiet hours for texts (8 am)."""
    return time(8, 0)


class Practice(models.Model):
    """A medical or dental practice: the tenant every patient and item belongs to."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="practices"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    business_hours = models.JSONField(
        default=dict, validators=[validate_weekly_hours], help_text='{"mon": [["08:00", "17:00"]]}'
    )
    phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    review_link = models.URLField(blank=True)
    #: Ask for a review automatically after a resolution the patient confirmed.
    auto_review_requests = models.BooleanField(default=False)
    #: Texts and emails about an open item carry a private status link for the patient.
    status_links = models.BooleanField("patient status links", default=False)
    #: After a resolution the patient confirmed: one question, "Did we resolve your request?"
    closure_question = models.BooleanField("ask the patient if it was resolved", default=False)
    #: At most one review request per patient in this many days.
    review_interval_days = models.PositiveSmallIntegerField(default=90)
    #: A message not sent within this many hours of being written is cancelled, never sent
    #: (a closing question or review request days late is about a visit the patient forgot).
    message_fresh_hours = models.PositiveSmallIntegerField(
        "messages older than this are not sent (hours)",
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    #: Validates X-Twilio-Signature on this practice's telephony webhooks (Twilio's auth token).
    #: This and the other integration secrets are encrypted at rest (``core.secrets_at_rest``).
    twilio_auth_token = SealedTextField(max_length=100, blank=True)
    twilio_account_sid = models.CharField(max_length=64, blank=True)
    #: The number texts to patients come from (E.164).
    sms_from_number = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    #: No texts between these local times; non-urgent ones wait for the end of the window.
    sms_quiet_start = models.TimeField(default=quiet_hours_start)
    sms_quiet_end = models.TimeField(default=quiet_hours_end)
    #: Shared secret that mail forwarders send with raw messages to the email hook.
    inbound_email_secret = SealedTextField(max_length=100, blank=True)
    #: A promise this many business minutes overdue goes to a supervisor.
    promise_grace_minutes = models.PositiveIntegerField(default=60)
    #: Shown to whoever handles a red-flag contact, in the patient's language.
    emergency_script = models.TextField(default=DEFAULT_EMERGENCY_SCRIPT)
    emergency_script_es = models.TextField(
        "emergency script (Spanish)", default=DEFAULT_EMERGENCY_SCRIPT_ES
    )
    #: The EHR's FHIR R4 endpoint; when set, the worker pulls appointments periodically.
    fhir_base_url = models.URLField("FHIR base URL", blank=True, validators=[validate_outbound_url])
    fhir_token = SealedTextField("FHIR bearer token", max_length=500, blank=True)
    #: When the last periodic FHIR sync was claimed (the sweep's claim column).
    fhir_sync_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: A patient's visit confirmation is written back to the FHIR server (the patient
    #: participant's status, ``outreach.writeback``). Off by default; needs a FHIR base URL.
    fhir_write_back = models.BooleanField("write confirmations back to the EHR", default=False)
    #: A contact within this many days of a resolution, about the same category, reopens it.
    reopen_days = models.PositiveSmallIntegerField(default=14)
    #: Goes up with every change to the practice's holidays, channel routes and webhook
    #: endpoints: what processes cached of them is read again (``practices.config``).
    config_version = models.PositiveIntegerField(default=0, editable=False)
    #: Calling back: this many attempts that do not reach the patient, this many business
    #: minutes apart; then a "we tried to reach you" text (or a letter), then the supervisors.
    callback_attempts = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    callback_interval_minutes = models.PositiveIntegerField(
        default=360, validators=[MinValueValidator(15)]
    )
    #: Urgent symptoms are answered within this many minutes, at any hour (clock time).
    red_flag_response_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1)]
    )
    #: Voicemail, texts and emails received while the office is closed get an automatic
    #: acknowledgement (the "received" template) that promises the next business morning.
    auto_acknowledge = models.BooleanField(default=True)
    #: A caller whose call nobody answered (and who left no voicemail) gets a text-back: "Sorry
    #: we missed your call… we will call you back by …" (after hours: when we open).
    missed_call_text_back = models.BooleanField(default=False)
    #: The language for a caller or writer we cannot identify (a known patient's own language
    #: wins): the missed-call text-back, and the item's language until staff change it.
    default_language = models.CharField(
        "language for unknown callers", max_length=3, default="en",
        validators=[validate_languages_code],
    )  # fmt: skip
    #: A telehealth-access item linked to an appointment is due this long before the visit.
    telehealth_margin_minutes = models.PositiveIntegerField(default=30)
    #: The pre-visit telehealth check comes due this many hours before the visit.
    telehealth_check_hours = models.PositiveIntegerField(default=24)
    #: Appointments this many days ahead are checked for missed-appointment risk.
    risk_window_days = models.PositiveSmallIntegerField(default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``config_version`` is only ever raised by ``config.changed``: a form saving a practice
        # it read earlier must not write an older version back (other processes would keep
        # serving what they cached under it).
        if not self._state.adding and not args and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "config_version"
            ]
        super().save(*args, **kwargs)

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    def clean(self) -> None:
        super().clean()
        if self.fhir_write_back and not self.fhir_base_url:
            raise ValidationError(
                {"fhir_write_back": "Write-back needs the EHR's FHIR base URL: give it first."}
            )
        # A text written at night waits for the end of quiet hours: a limit shorter than the
        # quiet window would cancel every one of them by morning.
        start, end = self.sms_quiet_start, self.sms_quiet_end
        if start is None or end is None or self.message_fresh_hours is None:
            return
        quiet = ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)) % (24 * 60)
        if self.message_fresh_hours * 60 <= quiet:
            raise ValidationError(
                {
                    "message_fresh_hours": f"Give more than the quiet hours ({quiet / 60:g} "
                    "hours): a text written at night waits for their end, and would always "
                    "be too old by then."
                }
            )

    def emergency_script_for(self, language: str) -> str:
        return self.emergency_script_es if language == "es" else self.emergency_script

    def calendar(self) -> BusinessCalendar:
        """The practice's business calendar (one query for the holidays), built once per
        loaded row: a change to an item computes several deadlines from it."""
        cached: BusinessCalendar | None = self.__dict__.get("_calendar")
        if cached is None:
            cached = self.__dict__["_calendar"] = self._build_calendar()
        return cached

    def _build_calendar(self) -> BusinessCalendar:
        return BusinessCalendar.from_config(
            timezone=self.timezone,
            weekly_hours=self.business_hours or DEFAULT_WEEKLY_HOURS,
            # .all() uses a prefetch when the caller made one (the sweep does, for every
            # practice at once); otherwise it is the one query for the holidays.
            holidays=config.cached(
                self, "holidays", lambda: [holiday.date for holiday in self.holidays.all()]
            ),
        )


def sms_account(practice: Practice, status_callback: str = "") -> Account:
    """The account texts from ``practice`` go out through."""
    return Account(
        practice.twilio_account_sid,
        practice.twilio_auth_token,
        practice.sms_from_number,
        status_callback,
    )


class Holiday(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "date"], name="holiday_once_per_day")
        ]
        ordering: ClassVar = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class StaffProfile(models.Model):
    """What a login may do and for whom: roles, skills, languages and the practices served."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="staff")
    roles = models.JSONField(default=list, validators=[CodeListValidator(Role.values)])
    skills = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(Skill.values)]
    )
    languages = models.JSONField(default=list, validators=[validate_languages])
    practices = models.ManyToManyField(Practice, related_name="staff", blank=True)
    #: On shift and taking new work; automatic assignment skips people who are not.
    available = models.BooleanField("on duty", default=True)
    #: Burnout protection: automatic assignment stops at these numbers of open items.
    max_open_items = models.PositiveSmallIntegerField(default=25)
    max_open_complaints = models.PositiveSmallIntegerField(default=5)
    #: One email a day (at closing) instead of one per alert.
    email_digest = models.BooleanField(default=False)
    #: Where on-call pages are texted (E.164); never shown to patients.
    mobile = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    #: Round robin among people with equal load: the one assigned longest ago goes first.
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    #: Away (``closeloop.team`` absences keep these): nobody hands them new items meanwhile.
    away_since = models.DateTimeField(null=True, blank=True)
    #: Empty while away "until I return".
    away_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.user.get_username()

    def speaks(self, language: str) -> bool:
        return language in self.languages

    @property
    def is_away(self) -> bool:
        return self.away_since is not None

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]

    @property
    def language_labels(self) -> list[str]:
        names = dict(Language.choices)
        return [str(names.get(code, code.upper())) for code in self.languages]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def on_team(self, team: str) -> bool:
        return team in self.roles

    def has_skill(self, skill: str) -> bool:
        return skill in self.skills


class CategoryQuerySet(TenantQuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(active=True)


class Category(models.Model):
    """A kind of patient need, per practice, with its team, urgency and targets.

    Targets are business minutes on the practice's calendar.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    default_team = models.CharField(max_length=20, choices=Team.choices, default=Team.SUPPORT)
    default_skill = models.CharField(max_length=30, choices=Skill.choices, blank=True)
    default_urgency = models.CharField(
        max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    first_response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    update_interval_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    #: A handoff to a named owner must be accepted within this many business minutes.
    handoff_accept_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1)]
    )
    checklist = models.JSONField(default=list, blank=True)
    #: The category's name as patients read it (the status page), per language:
    #: ``{"en": "A question about your bill", "es": "Una pregunta sobre su cuenta"}``.
    patient_names = models.JSONField(default=dict, blank=True, validators=[validate_patient_names])
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "code"], name="category_code_per_practice")
        ]
        ordering: ClassVar = ["practice", "position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def name_for_patients(self, language: str) -> str:
        """What the patient reads as the kind of request; "" when the practice has not
        written it in ``language`` (the completeness check lists it)."""
        return str(self.patient_names.get(language, "")).strip()

    @property
    def is_clinical(self) -> bool:
        """The category's work belongs to clinical staff (items: ``SupportItem.is_clinical``)."""
        return self.default_team == Team.CLINICAL

    @property
    def is_complaint(self) -> bool:
        return self.code == COMPLAINT_CATEGORY

    @property
    def first_response_target(self) -> timedelta:
        return timedelta(minutes=self.first_response_minutes)

    @property
    def update_interval(self) -> timedelta:
        return timedelta(minutes=self.update_interval_minutes)

    @property
    def resolution_target(self) -> timedelta:
        return timedelta(minutes=self.resolution_minutes)

    @property
    def handoff_accept_target(self) -> timedelta:
        return timedelta(minutes=self.handoff_accept_minutes)


class ScriptPart(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    CLARIFY = "clarify", "Clarify"
    OWN = "own", "Own"
    CLOSE = "close", "Close"


class CategoryScript(models.Model):
    """What staff say for one category in one language: acknowledge, clarify, own, close."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="scripts")
    language = models.CharField(max_length=3, validators=[validate_languages_code])
    acknowledge = models.TextField()
    clarify = models.TextField()
    own = models.TextField()
    close = models.TextField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["category", "language"], name="script_per_language")
        ]
        ordering: ClassVar = ["category", "language"]

    def __str__(self) -> str:
        return f"{self.category} ({self.language})"

    def render(self, **facts: str) -> list[tuple[str, str]]:
        """The four parts with the item's facts filled in; unknown placeholders stay visible."""
        return [
            (part.label, placeholders.fill(getattr(self, part.value), facts)) for part in ScriptPart
        ]


class ChannelRoute(models.Model):
    """A practice's override: contacts on this channel (optionally of one category) go to a
    different team or skill than the category's default."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="channel_routes")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Empty: every category.",
    )
    team = models.CharField(max_length=20, choices=Team.choices)
    skill = models.CharField(max_length=30, choices=Skill.choices, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["practice", "channel", "category"], name="one_route_per_channel_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.team}"


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self, now: Any = None) -> EmergencyAccessQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now)


class EmergencyAccess(models.Model):
    """Temporary access to a practice a person does not serve, granted with a reason. It ends
    by itself at ``expires_at``; granting, using and revoking are audited.

    It lives with the practices because the tenant filter reads it (the table keeps its first
    app's name, ``security_emergencyaccess``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_access"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        db_table = "security_emergencyaccess"
        indexes: ClassVar = [
            models.Index(fields=["user", "expires_at"], name="emergency_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.practice} until {self.expires_at:%Y-%m-%d %H:%M}"


class OnCallShiftQuerySet(models.QuerySet["OnCallShift"]):
    def covering(self, at: Any) -> OnCallShiftQuerySet:
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class OnCallShift(models.Model):
    """Who takes urgent calls for a practice while it is closed (nights, weekends, holidays):
    red flags arriving then page this clinician by text and email, and the item goes to them."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="on_call")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    objects = OnCallShiftQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["starts_at"]
        indexes: ClassVar = [
            models.Index(fields=["practice", "ends_at", "starts_at"], name="oncall_when_idx")
        ]

    def __str__(self) -> str:
        return f"{self.clinician} on call for {self.practice}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The shift must end after it starts."})
        if self.clinician_id and self.practice_id:
            profile = StaffProfile.objects.filter(user_id=self.clinician_id).first()
            if profile is None or not profile.has_role(Role.CLINICAL):
                raise ValidationError({"clinician": "Choose someone on the clinical team."})
            if not profile.practices.filter(pk=self.practice_id).exists():
                raise ValidationError({"clinician": "Choose a clinician who serves this practice."})
