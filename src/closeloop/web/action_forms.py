"""The item page's action forms, generated from the action registry's inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.utils import timezone

from closeloop.actions.inputs import Input, Kind, options
from closeloop.actions.registry import TO_PATIENT, Action
from closeloop.core.languages import SOURCE as STAFF_LANGUAGE
from closeloop.core.languages import language_choices, language_name
from closeloop.core.types import User
from closeloop.lib.ids import parse_id
from closeloop.practices.forms import InstantField
from closeloop.support_queue import eligibility
from closeloop.support_queue.colleague_requests import askable
from closeloop.support_queue.models import SupportItem

#: The objects each reference kind offers on one item, read once for all of a page's forms
#: (assign, hand off and ask a colleague all offer the practice's staff).
Offered = dict[Kind, list[Any]]


class OfferedChoiceIterator(forms.models.ModelChoiceIterator):
    """Django's iterator, but over the objects the page already read when it has them."""

    def __iter__(self) -> Any:
        offered = getattr(self.field, "offered", None)
        if offered is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in offered:
            yield self.choice(obj)

    def __len__(self) -> int:
        offered = getattr(self.field, "offered", None)
        if offered is None:
            return super().__len__()
        return len(offered) + (1 if self.field.empty_label is not None else 0)


class OfferedChoiceField(forms.ModelChoiceField):
    """A choice of objects: validated against the queryset; shown from ``offered`` if given."""

    iterator = OfferedChoiceIterator

    def __init__(self, *args: Any, offered: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered


class LabelledChoiceField(OfferedChoiceField):
    """A choice of objects, each shown by ``labeller``."""

    def __init__(self, *args: Any, labeller: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labeller = labeller

    def label_from_instance(self, obj: Any) -> str:
        return str(self.labeller(obj))


class ReceiverChoiceField(LabelledChoiceField):
    """The owner picker: a colleague who does not serve the practice is refused with the
    sentence every door gives (``eligibility.stranger``), not "not a valid choice"."""

    def __init__(self, *args: Any, item: SupportItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            refused = eligibility.stranger(self.item, parse_id(value))
            if refused is not None:
                raise forms.ValidationError(refused.message, code="invalid_choice") from None
            raise


def _staff_label(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


def _receiver_labeller(item: SupportItem, people: list[User] | None) -> Callable[[User], str]:
    """The owner picker: each colleague with why they may not take the item, if they may not
    (``eligibility.receivers``, the rule every door applies; ``people``: the staff the page
    already read, so the picker does not read them again)."""
    refusals = {
        found.user.pk: found.refusal for found in eligibility.receivers(item, people=people)
    }

    def label(user: User) -> str:
        refused = refusals.get(user.pk)
        return _staff_label(user) + (f" — {refused.why}" if refused else "")

    return label


def _patient_label(patient: Any) -> str:
    return f"{patient.full_name} · {patient.date_of_birth or 'no DOB'} · MRN {patient.mrn or '—'}"


def _appointment_label(appointment: Any) -> str:
    start = timezone.localtime(appointment.start)
    return (
        f"{start:%a %b %-d, %-I:%M %p} · {appointment.kind or 'Appointment'} · "
        f"{appointment.get_mode_display()}"
    )


def _item_label(other: Any) -> str:
    return f"#{other.pk} · {other.category.name} · {other.summary[:60]}"


def _in_their_language(spec: Input, language: str) -> dict[str, str]:
    """The label and help of a field the patient reads in ``language`` (the staff screens are
    English): the language named once, where the help says "in their language"."""
    theirs = language_name(language)
    in_theirs = f"Write it in {theirs}: the patient reads it, speaking to them (“we call you”)."
    return {
        "label": f"{spec.label} (in {theirs})",
        "help_text": (
            spec.help.replace(TO_PATIENT, in_theirs)
            if TO_PATIENT in spec.help
            else f"{in_theirs} {spec.help}".strip()
        ),
    }


def form_field(spec: Input, item: SupportItem, offered: Offered | None = None) -> forms.Field:
    """The page's field for one input (references offer only what the item allows). With
    ``offered``, a reference's objects are read once per kind and shared by the page's forms."""
    common: dict[str, Any] = {"label": spec.label, "required": spec.required}
    if spec.help:
        common["help_text"] = spec.help
    if spec.patient_reads and item.language != STAFF_LANGUAGE:
        common.update(_in_their_language(spec, item.language))
    if spec.kind == Kind.TEXT:
        widget = forms.Textarea(attrs={"rows": spec.rows}) if spec.rows else forms.TextInput()
        return forms.CharField(max_length=spec.max_length, widget=widget, **common)
    if spec.kind == Kind.CHOICE and spec.choices is not None:
        choices = [c for c in spec.choices.choices if c[0] not in spec.hidden_values]
        return forms.ChoiceField(choices=choices, initial=spec.initial, **common)
    if spec.kind == Kind.FLAG:
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind == Kind.INSTANT:
        return InstantField(**common)
    if spec.kind == Kind.LANGUAGE:
        return forms.ChoiceField(choices=language_choices(item.language), **common)
    queryset = options(spec, item)
    if offered is not None:
        if spec.kind not in offered:
            offered[spec.kind] = list(queryset)
        common["offered"] = offered[spec.kind]
    if spec.kind == Kind.STAFF and spec.name == "colleague":
        # Only colleagues who may be asked (not away; clinical staff for a clinical item).
        people = common["offered"] if "offered" in common else list(queryset)
        common["offered"] = askable(cast(list[User], people), item)  # a STAFF input's options
    if spec.kind == Kind.CATEGORY:
        return OfferedChoiceField(
            queryset=queryset, empty_label=None, to_field_name="code", **common
        )
    if spec.kind == Kind.PATIENT:
        common["widget"] = forms.RadioSelect
    labeller = {
        Kind.STAFF: (
            _receiver_labeller(item, common.get("offered"))
            if spec.name == "owner"
            else _staff_label
        ),
        Kind.PATIENT: _patient_label,
        Kind.APPOINTMENT: _appointment_label,
        Kind.ITEM: _item_label,
    }[spec.kind]
    if spec.kind == Kind.STAFF and spec.name == "owner":
        return ReceiverChoiceField(
            queryset=queryset,
            empty_label=spec.empty_label or None,
            labeller=labeller,
            item=item,
            **common,
        )
    return LabelledChoiceField(
        queryset=queryset, empty_label=spec.empty_label or None, labeller=labeller, **common
    )


class ActionForm(forms.Form):
    """The form of one action on one item."""

    def __init__(
        self,
        *args: Any,
        item: SupportItem,
        action: Action,
        offered: Offered | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.item = item
        self.action = action
        for spec in action.inputs:
            if spec.complaints_only and not item.is_complaint:
                continue
            self.fields[spec.name] = form_field(spec, item, offered)

    def has_choices(self) -> bool:
        """False when a required reference has nothing to choose from (e.g. no upcoming visit):
        the page then does not offer the action."""
        for spec in self.action.inputs:
            field = self.fields.get(spec.name)
            if not spec.required or not isinstance(field, forms.ModelChoiceField):
                continue
            offered = getattr(field, "offered", None)
            if not (offered if offered is not None else field.queryset.exists()):  # type: ignore[union-attr]
                return False
        return True
