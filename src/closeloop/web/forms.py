"""The log-a-contact form (the item actions' forms come from ``closeloop.web.action_forms``).
Forms validate input; the lifecycle services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from closeloop.core.languages import language_choices
from closeloop.core.types import Viewer
from closeloop.lib.ids import MAX_ID, parse_id
from closeloop.patients.models import Patient, validate_birth_date
from closeloop.practices.choices import Language
from closeloop.practices.forms import InstantField
from closeloop.practices.models import Category, Practice
from closeloop.support_queue.models import Channel
from closeloop.triage.services import suggest

# --- logging a contact --------------------------------------------------------------------------


class CallerMode:
    EXISTING = "existing"
    NEW = "new"
    UNKNOWN = "unknown"
    CHOICES = [
        (EXISTING, "Existing patient"),
        (NEW, "New patient"),
        (UNKNOWN, "Unknown caller"),
    ]


ATTACH_AUTO = "auto"
ATTACH_NEW = "new"
#: Channels where the caller is with us while we log it.
LIVE = {Channel.PHONE, Channel.IN_PERSON}


TEL = forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"})
NO_AUTOFILL = forms.TextInput(attrs={"autocomplete": "off"})


class LogContactForm(forms.Form):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), empty_label=None)
    caller = forms.ChoiceField(
        choices=CallerMode.CHOICES, initial=CallerMode.EXISTING, widget=forms.RadioSelect
    )
    patient = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )
    first_name = forms.CharField(required=False, max_length=100, widget=NO_AUTOFILL)
    last_name = forms.CharField(required=False, max_length=100, widget=NO_AUTOFILL)
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_birth_date],
    )
    # The caller's details, typed by staff: phone keyboards, and never the staff member's own
    # details filled in by the browser.
    phone = forms.CharField(required=False, max_length=40, label="Phone", widget=TEL)
    caller_name = forms.CharField(
        required=False, max_length=200, label="Caller's name", widget=NO_AUTOFILL
    )
    callback_number = forms.CharField(
        required=False, max_length=40, label="Callback number", widget=TEL
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        empty_label="Suggest from what the patient needs",
    )
    summary = forms.CharField(max_length=300, label="What the patient needs")
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # The patient languages with a catalog (a practice's added one too).
    language = forms.ChoiceField(choices=language_choices, initial=Language.ENGLISH)
    #: On a live call the patient is told when they hear from us next (the promise).
    next_update_at = InstantField(
        required=False,
        label="Patient hears from us by",
        help_text="On a live call: what you tell the caller. Suggested from business hours.",
    )
    #: A time outside business hours is promised only with a reason (on the timeline).
    after_hours_reason = forms.CharField(
        required=False,
        max_length=500,
        label="After hours is fine, because",
        help_text="Only for a time outside business hours: why the practice can keep it then.",
    )
    #: A question answered there and then: the item is filed resolved, the answer its next step.
    answer = forms.CharField(
        required=False,
        max_length=2000,
        label="Answered during the call",
        help_text="What you told the caller, when you answered on the spot (no follow-up "
        "needed): the item is resolved with it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    #: Which of the patient's items this contact is about: "auto" adds it to their open item of
    #: the same category (if any), "new" files a new one, an id adds it to that item.
    attach = forms.CharField(required=False, initial=ATTACH_AUTO)

    def __init__(self, *args: Any, user: Viewer, practice: Practice | None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["practice"].queryset = Practice.objects.for_user(user)  # type: ignore[attr-defined]
        categories = Category.objects.for_user(user).active().order_by("position", "name")
        # Any served practice's category is accepted (``clean`` maps it to the patient's
        # practice); the list shows the chosen practice's.
        field: Any = self.fields["category"]
        field.queryset = categories
        if practice is not None:
            shown = categories.filter(practice=practice)
            field.choices = [("", field.empty_label), *((c.pk, c.name) for c in shown)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("caller") == CallerMode.EXISTING and data.get("patient"):
            # The caller's practice is their patient record's, whichever was shown.
            found = (
                Patient.objects.for_user(self.user)
                .filter(pk=data["patient"])
                .select_related("practice")
                .first()
            )
            if found is not None:
                data["practice"] = found.practice
        practice, category = data.get("practice"), data.get("category")
        if practice and category and category.practice_id != practice.pk:
            # The patient chosen belongs to another practice: the same category there.
            same = Category.objects.filter(practice=practice, code=category.code).first()
            if same is None:
                self.add_error("category", "Choose a category of the selected practice.")
            data["category"] = same
        mode = data.get("caller")
        if mode == CallerMode.EXISTING and not data.get("patient"):
            self.add_error("patient", "Find and choose the patient, or pick New or Unknown caller.")
        if mode == CallerMode.NEW:
            for field in ("first_name", "last_name"):
                if not data.get(field):
                    self.add_error(field, "Required for a new patient.")
        if mode == CallerMode.UNKNOWN and not data.get("callback_number"):
            self.add_error("callback_number", "Record a number to call back.")
        urgent = suggest(data.get("summary", ""), data.get("details", "")).red_flag
        # A red flag is answered by the clinical team now (the emergency script), not by a
        # promised update time.
        if (
            data.get("channel") in LIVE
            and not data.get("next_update_at")
            and not data.get("answer")
            and not self.joins()
            and not urgent
        ):
            self.add_error(
                "next_update_at", "On a live call, tell the caller when they hear from us next."
            )
        attach = data.get("attach") or ATTACH_AUTO
        if attach not in (ATTACH_AUTO, ATTACH_NEW) and parse_id(attach) is None:
            self.add_error(None, "Choose which request this contact is about.")
        return data

    def joins(self) -> bool:
        """The contact is added to an existing item: it has a promise already, so none need be
        told (a time typed is the one the caller was told, and becomes the item's)."""
        attach = (self.cleaned_data.get("attach") or "") if hasattr(self, "cleaned_data") else ""
        return parse_id(attach) is not None


class SignInForm(AuthenticationForm):
    """Django's login form, its username's length checked: Django sets ``max_length`` after the
    field is built, so no validator holds it, and an overlong username reached django-axes,
    whose failed-attempt row holds 255 characters (a 500 on PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = self.username_field.max_length or 254  # as Django's form says it
        self.fields["username"].validators.append(MaxLengthValidator(longest))
