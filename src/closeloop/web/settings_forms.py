"""Forms of the settings pages: labelled choices, never codes; times on the practice's clock."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from closeloop.core.languages import language_choices, language_name
from closeloop.core.outbound import validate_outbound_url
from closeloop.lib import placeholders
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.messaging.models import MessagePurpose, validate_template_fields
from closeloop.messaging.sendable import text_problems
from closeloop.practices.choices import (
    CONFIG_ADMIN_ROLES,
    Channel,
    Language,
    Role,
    Skill,
    Team,
    Urgency,
)
from closeloop.practices.forms import (
    DayField,
    InstantField,
    ModelIdsField,
    SecretFieldsMixin,
    https_urls,
)
from closeloop.practices.models import Category, Practice, validate_weekly_hours

DAYS = [
    ("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
    ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"),
]  # fmt: skip
#: Roles only an organization admin grants.
ADMIN_ROLES = CONFIG_ADMIN_ROLES
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
CHECKS = forms.CheckboxSelectMultiple


def _time_field(label: str, required: bool = False) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, widget=TIME)


class StaffForm(forms.Form):
    """A person: who they are, what they do and for which practices."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    username = forms.SlugField(
        max_length=150, help_text="What they type to sign in (letters, digits, - and _)."
    )
    email = forms.EmailField(help_text="Alerts and the end-of-day emails go here.")
    roles = forms.MultipleChoiceField(widget=CHECKS, choices=Role.choices)
    skills = forms.MultipleChoiceField(widget=CHECKS, choices=Skill.choices, required=False)
    languages = forms.MultipleChoiceField(
        widget=CHECKS, choices=Language.choices, initial=[Language.ENGLISH]
    )
    practices = ModelIdsField(
        queryset=Practice.objects.none(), widget=CHECKS, label="Practices served"
    )
    max_open_items = forms.IntegerField(
        min_value=1, max_value=500, initial=25, label="At most this many open items"
    )
    max_open_complaints = forms.IntegerField(
        min_value=0, max_value=100, initial=5, label="At most this many open complaints"
    )
    available = forms.BooleanField(required=False, initial=True, label="On duty")
    mobile = forms.CharField(
        required=False,
        max_length=20,
        label="Mobile (for on-call pages)",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, practices: Any, may_grant_admin: bool, editing: Any = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.editing = editing
        field: Any = self.fields["practices"]
        field.queryset = practices
        if not may_grant_admin:
            roles: Any = self.fields["roles"]
            roles.choices = [(v, label) for v, label in Role.choices if v not in ADMIN_ROLES]
        if editing is not None:
            del self.fields["username"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError("That sign-in name is taken; choose another.")
        return str(username)

    def clean_mobile(self) -> str:
        raw = self.cleaned_data.get("mobile", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise ValidationError(str(exc)) from None


class HoursForm(forms.Form):
    """Business hours, per weekday: up to two intervals (a lunch break between them); the
    business-hours section of a practice's settings, saved alone."""

    def __init__(self, data: Any = None, *, practice: Practice, **kw: Any) -> None:
        super().__init__(data, **kw)
        self.practice = practice
        hours = practice.business_hours or {}
        for day, label in DAYS:
            intervals = hours.get(day, [])
            for n in (0, 1):
                opens, closes = intervals[n] if n < len(intervals) else ("", "")
                again = " again" if n else ""
                for name, what in ((f"{day}_open_{n}", "opens"), (f"{day}_close_{n}", "closes")):
                    field = _time_field(f"{label} {what}{again}")
                    # The table's cells carry no label of their own: the input says it.
                    field.widget.attrs["aria-label"] = f"{label} {what}{again}"
                    self.fields[name] = field
                self.initial[f"{day}_open_{n}"] = opens
                self.initial[f"{day}_close_{n}"] = closes

    def save_section(self) -> None:
        self.practice.business_hours = self.cleaned_data["business_hours"]
        self.practice.save(update_fields=["business_hours"])

    def days(self) -> list[tuple[str, list[tuple[Any, Any]]]]:
        return [
            (label, [(self[f"{day}_open_{n}"], self[f"{day}_close_{n}"]) for n in (0, 1)])
            for day, label in DAYS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for day, label in DAYS:
            for n in (0, 1):
                opens, closes = data.get(f"{day}_open_{n}"), data.get(f"{day}_close_{n}")
                if (opens is None) != (closes is None):
                    raise ValidationError(f"{label}: give both the opening and the closing time.")
                if opens is not None and closes is not None:
                    hours.setdefault(day, []).append([f"{opens:%H:%M}", f"{closes:%H:%M}"])
        try:
            validate_weekly_hours(hours)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        data["business_hours"] = hours
        return data


class PracticeSectionForm(forms.ModelForm):
    """One section of a practice's settings (``closeloop.web.settings_sections``): it saves
    its own columns and no other, so two admins saving two sections at once, or a section saved
    from a page read before another was, never undo each other."""

    def __init__(self, data: Any = None, *, practice: Practice, **kw: Any) -> None:
        super().__init__(data, instance=practice, **kw)

    def save_section(self) -> None:
        practice = self.save(commit=False)
        practice.save(update_fields=list(self._meta.fields or ()))

    def _update_errors(self, errors: ValidationError) -> None:
        # The model judges its whole row (``Practice.clean``): a rule about another section's
        # field is said above this form rather than crashing it (Django's would need the field).
        if hasattr(errors, "error_dict"):
            theirs = [
                f for f in errors.error_dict if f != NON_FIELD_ERRORS and f not in self.fields
            ]
            if theirs:
                moved = [m for f in theirs for m in errors.error_dict.pop(f)]
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)  # type: ignore[misc]


class ContactTextsForm(PracticeSectionForm):
    """How patients reach the practice and what they receive from it, and when."""

    default_language = forms.ChoiceField(
        choices=language_choices,
        label="Language for callers we do not know (missed-call texts)",
    )
    sms_quiet_start = _time_field("No texts or emails from", required=True)
    sms_quiet_end = _time_field("until", required=True)

    class Meta:
        model = Practice
        formfield_callback = https_urls
        # The quiet hours and the freshness limit are judged together (``Practice.clean``).
        fields = (
            "phone", "sms_from_number", "sms_quiet_start", "sms_quiet_end",
            "message_fresh_hours", "review_link", "auto_review_requests", "status_links",
            "missed_call_text_back", "default_language",
        )  # fmt: skip
        labels = {  # noqa: RUF012
            "phone": "Practice phone number (patients call back on it)",
            "sms_from_number": "Texts come from",
            "review_link": "Review link",
            "auto_review_requests": "Ask every patient for a review after a resolution",
            "message_fresh_hours": "Messages not sent within this many hours are cancelled",
            "status_links": "Texts and emails carry the patient's private status link",
            "missed_call_text_back": "Text callers back after a missed call (no voicemail)",
        }
        widgets = {  # noqa: RUF012
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "sms_from_number": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {  # noqa: RUF012
            "status_links": "The patient sees the kind of request, what we are doing now, when "
            "they hear from us next and who is on it — nothing clinical, never staff notes.",
        }

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["auto_review_requests"].help_text = (
            "Every patient alike, whatever they answered: asking only the happy ones is review "
            "gating. Never after a clinical item, never with a complaint open, at most once "
            f"per patient per {self.instance.review_interval_days} days, never to an opted-out "
            "number or address."
        )


class LoopRulesForm(PracticeSectionForm):
    """Promises, call-backs and reopening: the loop's clock."""

    class Meta:
        model = Practice
        fields = (
            "promise_grace_minutes", "reopen_days", "callback_attempts",
            "callback_interval_minutes", "auto_acknowledge", "closure_question",
        )  # fmt: skip
        labels = {  # noqa: RUF012
            "promise_grace_minutes": "A broken promise goes to a supervisor after (minutes)",
            "reopen_days": "A contact within this many days reopens a resolved item",
            "callback_attempts": "Call attempts before a text or letter",
            "callback_interval_minutes": "Between attempts (business minutes)",
            "auto_acknowledge": "Acknowledge after-hours messages automatically",
            "closure_question": "After a confirmed resolution, ask “Did we resolve your request?”",
        }
        help_texts = {  # noqa: RUF012
            "closure_question": "“No” reopens the item for its owner. The answer never decides "
            "who is asked for a review, nor when.",
        }


class EmergencyForm(PracticeSectionForm):
    """Urgent symptoms: how fast, and what whoever takes the contact says."""

    class Meta:
        model = Practice
        fields = ("red_flag_response_minutes", "emergency_script", "emergency_script_es")
        labels = {  # noqa: RUF012
            "red_flag_response_minutes": "Urgent symptoms answered within (minutes, any hour)",
            "emergency_script": "Emergency script (English)",
            "emergency_script_es": "Emergency script (Spanish)",
        }
        widgets = {  # noqa: RUF012
            "emergency_script": forms.Textarea(attrs={"rows": 3}),
            "emergency_script_es": forms.Textarea(attrs={"rows": 3}),
        }


class IntegrationsForm(SecretFieldsMixin, PracticeSectionForm):
    """The EHR and the telephony account, with their secrets (never shown back)."""

    class Meta:
        model = Practice
        formfield_callback = https_urls
        fields = (
            "fhir_base_url", "fhir_token", "fhir_write_back", "twilio_account_sid",
            "twilio_auth_token", "inbound_email_secret",
        )  # fmt: skip
        labels = {  # noqa: RUF012
            "fhir_base_url": "EHR's FHIR base URL (https)",
            "fhir_write_back": "Write patients' confirmations back to the EHR",
        }
        help_texts = {  # noqa: RUF012
            "fhir_write_back": "Sets the patient's status on the EHR's appointment to "
            "“accepted” when they confirm. Needs the FHIR base URL and a token with write "
            "access; without them confirmations stay in Closeloop and its daily CSV.",
        }


class HolidayForm(forms.Form):
    date = DayField()
    name = forms.CharField(max_length=100)


class OnCallForm(forms.Form):
    clinician = forms.ModelChoiceField(queryset=get_user_model().objects.none())
    starts_at = InstantField(label="From")
    ends_at = InstantField(label="Until")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, clinicians: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field: Any = self.fields["clinician"]
        field.queryset = clinicians
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError("The shift must end after it starts.")
        return data


class RouteForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="Every category"
    )
    team = forms.ChoiceField(choices=Team.choices)
    skill = forms.ChoiceField(choices=[("", "Any skill"), *Skill.choices], required=False)

    def __init__(self, *args: Any, practice: Practice, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field: Any = self.fields["category"]
        field.queryset = Category.objects.filter(practice=practice, active=True)


class WebhookForm(forms.Form):
    url = forms.URLField(
        max_length=500, assume_scheme="https", validators=[validate_outbound_url], label="URL"
    )
    events = forms.MultipleChoiceField(widget=CHECKS, choices=())

    def __init__(self, *args: Any, events: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        field: Any = self.fields["events"]
        field.choices = events


UNITS = [("minutes", "minutes"), ("hours", "business hours")]


class DurationWidget(forms.MultiWidget):
    def __init__(self) -> None:
        super().__init__(
            [forms.NumberInput(attrs={"min": 1, "class": "short"}), forms.Select(choices=UNITS)]
        )

    def decompress(self, value: Any) -> list[Any]:
        if not value:
            return [None, "minutes"]
        return [value // 60, "hours"] if value % 60 == 0 else [value, "minutes"]


class DurationField(forms.MultiValueField):
    """A target in business minutes, typed as a number and a unit."""

    widget = DurationWidget

    def __init__(self, **kw: Any) -> None:
        super().__init__(
            fields=(forms.IntegerField(min_value=1), forms.ChoiceField(choices=UNITS)), **kw
        )

    def compress(self, values: list[Any]) -> int | None:
        if not values or values[0] is None:
            return None
        amount, unit = values
        return int(amount) * (60 if unit == "hours" else 1)


class CategoryForm(forms.ModelForm):
    first_response_minutes = DurationField(label="First response within")
    update_interval_minutes = DurationField(label="Update the patient every")
    resolution_minutes = DurationField(label="Resolve within")
    handoff_accept_minutes = DurationField(label="A handoff is accepted within")
    checklist_text = forms.CharField(
        label="Checklist",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One step per line: add, reorder or remove lines.",
    )

    class Meta:
        model = Category
        fields = (
            "name", "default_team", "default_skill", "default_urgency",
            "first_response_minutes", "update_interval_minutes", "resolution_minutes",
            "handoff_accept_minutes", "active",
        )  # fmt: skip
        labels = {  # noqa: RUF012
            "default_team": "Team",
            "default_skill": "Skill",
            "default_urgency": "Urgency",
            "active": "In use",
        }

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["checklist_text"].initial = "\n".join(self.instance.checklist or [])
        urgency: Any = self.fields["default_urgency"]
        urgency.choices = Urgency.choices

    def save(self, commit: bool = True) -> Category:
        lines = self.cleaned_data.get("checklist_text", "").splitlines()
        self.instance.checklist = [line.strip() for line in lines if line.strip()]
        category: Category = super().save(commit)
        return category


SCRIPT_PARTS = ("acknowledge", "clarify", "own", "close")
#: What a script may say (anything else stays visible as a placeholder and is refused here).
SCRIPT_FIELDS = frozenset({"thanks", "first_name", "practice", "owner", "update_time", "next_step"})


def validate_script(text: str) -> None:
    try:
        names = placeholders.names(text)
    except placeholders.PlaceholderError as exc:
        raise ValidationError(str(exc)) from None
    unknown = sorted(names - SCRIPT_FIELDS)
    if unknown:
        raise ValidationError(
            f"scripts may use {{{'}, {'.join(sorted(SCRIPT_FIELDS))}}}; not {', '.join(unknown)}"
        )


class ScriptsForm(forms.Form):
    """The category's name for patients and its four scripts in one language: refused unless
    every part is there, in that language, free of clinical details (``messaging.sendable``)."""

    def __init__(self, *args: Any, language: str, practice_name: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.language = language
        self.practice_name = practice_name
        theirs = language_name(language)
        self.fields[f"{language}_patient_name"] = forms.CharField(
            label=f"Name for patients ({theirs})",
            max_length=100,
            help_text="The kind of request as the patient's status page shows it.",
        )
        for part in SCRIPT_PARTS:
            self.fields[f"{language}_{part}"] = forms.CharField(
                label=part.capitalize(),
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[validate_script],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for part in ("patient_name", *SCRIPT_PARTS):
            name = f"{self.language}_{part}"
            if data.get(name):
                what = "the name for patients" if part == "patient_name" else f"the {part} script"
                for problem in text_problems(data[name], self.language, what, self.practice_name):
                    self.add_error(name, problem)
        return data

    def parts(self) -> dict[str, str]:
        return {part: self.cleaned_data[f"{self.language}_{part}"] for part in SCRIPT_PARTS}

    def patient_name(self) -> str:
        return str(self.cleaned_data[f"{self.language}_patient_name"]).strip()


class TemplateForm(forms.Form):
    purpose = forms.ChoiceField(choices=MessagePurpose.choices)
    language = forms.ChoiceField(choices=language_choices)
    subject = forms.CharField(max_length=200, validators=[validate_template_fields])
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_template_fields]
    )
