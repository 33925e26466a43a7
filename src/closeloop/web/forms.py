"""Forms for the staff workspace. They validate input; the lifecycle services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from closeloop.appointments.models import Appointment
from closeloop.appointments.selectors import upcoming_for_patient
from closeloop.lib.ids import MAX_ID
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.patients.models import Patient
from closeloop.practices.choices import Language, Team, Urgency
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.queue.models import Channel, ContactOutcome, Direction, SupportItem, WaitingOn

LANGUAGE_CHOICES = Language.choices


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


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


class LogContactForm(forms.Form):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), empty_label=None)
    caller = forms.ChoiceField(
        choices=CallerMode.CHOICES, initial=CallerMode.EXISTING, widget=forms.RadioSelect
    )
    patient = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(required=False, max_length=40, label="Phone")
    caller_name = forms.CharField(required=False, max_length=200, label="Caller's name")
    callback_number = forms.CharField(required=False, max_length=40, label="Callback number")
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        empty_label="Suggest from what the patient needs",
    )
    summary = forms.CharField(max_length=300, label="What the patient needs")
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial=Language.ENGLISH)

    def __init__(self, *args: Any, user: Any, practice: Practice | None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = Practice.objects.for_user(user)  # type: ignore[attr-defined]
        categories = Category.objects.for_user(user).active().order_by("position", "name")
        if practice is not None:
            categories = categories.filter(practice=practice)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        practice, category = data.get("practice"), data.get("category")
        if practice and category and category.practice_id != practice.pk:
            self.add_error("category", "Choose a category of the selected practice.")
        mode = data.get("caller")
        if mode == CallerMode.EXISTING and not data.get("patient"):
            self.add_error("patient", "Find and choose the patient, or pick New or Unknown caller.")
        if mode == CallerMode.NEW:
            for field in ("first_name", "last_name"):
                if not data.get(field):
                    self.add_error(field, "Required for a new patient.")
        if mode == CallerMode.UNKNOWN and not data.get("callback_number"):
            self.add_error("callback_number", "Record a number to call back.")
        return data


# --- item actions ---------------------------------------------------------------------------------


class ItemForm(forms.Form):
    """A form about one item; ``item`` scopes choices (staff of the item's practice)."""

    def __init__(self, *args: Any, item: SupportItem, **kwargs: Any) -> None:
        self.item = item
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EmptyForm(ItemForm):
    pass


class NoteForm(ItemForm):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(ItemForm):
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.OUTBOUND)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    outcome = forms.ChoiceField(
        choices=ContactOutcome.choices, initial=ContactOutcome.REACHED, label="Result"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    gave_next_step = forms.BooleanField(required=False, label="I gave the patient the next step")


class UpdateWindowForm(ItemForm):
    checking = forms.CharField(
        label="What we are checking", widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label="Next step", widget=forms.Textarea(attrs={"rows": 2}))
    update_at = forms.DateTimeField(
        label="Patient hears from us by",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class AssignForm(ItemForm):
    team = forms.ChoiceField(choices=Team.choices)
    owner = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Unassigned (team queue)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_for_practice(self.item.practice)  # type: ignore[attr-defined]


class WaitForm(ItemForm):
    waiting_on = forms.ChoiceField(choices=WaitingOn.choices, label="Waiting on")


class ReasonForm(ItemForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(ItemForm):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    told_patient = forms.BooleanField(
        required=False, label="The patient has been told the next step (logs the contact)"
    )
    handed_off_to = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Or hand off to",
        empty_label="— no handoff —",
    )
    patient_confirmed = forms.BooleanField(
        required=False, label="The patient confirmed the outcome"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handed_off_to"].queryset = staff_for_practice(self.item.practice)  # type: ignore[attr-defined]


class LinkPatientForm(ItemForm):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.none(), widget=forms.RadioSelect, label="Which patient is this?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = Patient.objects.for_practice(self.item.practice).filter(  # type: ignore[attr-defined]
            pk__in=self.item.patient_candidates
        )
        self.fields["patient"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.full_name} · {p.date_of_birth or 'no DOB'} · MRN {p.mrn or '—'}"
        )


class LinkAppointmentForm(ItemForm):
    appointment = forms.ModelChoiceField(
        queryset=Appointment.objects.none(), label="Which visit is this about?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["appointment"]
        field.queryset = upcoming_for_patient(  # type: ignore[attr-defined]
            self.item.patient_id, timezone.now()
        )
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda a: (
                f"{timezone.localtime(a.start):%a %b %-d, %-I:%M %p} · "
                f"{a.kind or 'Appointment'} · {a.get_mode_display()}"
            )
        )


class CategorizeForm(ItemForm):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    urgency = forms.ChoiceField(choices=Urgency.choices)
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.for_practice(  # type: ignore[attr-defined]
            self.item.practice
        ).active()


class MessageForm(ItemForm):
    channel = forms.ChoiceField(choices=ConsentChannel.choices, initial=ConsentChannel.SMS)
    purpose = forms.ChoiceField(
        choices=MessagePurpose.choices, initial=MessagePurpose.PENDING_UPDATE
    )
    subject = forms.CharField(
        required=False, max_length=200, help_text="Email only; empty: the template's."
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave empty to send the template for this purpose in the patient's language.",
    )
