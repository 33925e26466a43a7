"""The public contact form: a patient writes to the practice from a phone, in English or Spanish."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from closeloop.core.languages import (
    SOURCE,
    browser_language,
    other_languages,
    patient_languages,
    speaking,
)
from closeloop.intake.birthdate import BirthDateForm
from closeloop.intake.models import InboundKind
from closeloop.intake.services import clean_phone, intake_receive, summary_from
from closeloop.intake.wording import CONTACT_FORM, EMERGENCY_REPLY, UNSUBSCRIBE_PAGE
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.lib.redflags import needs_crisis_line
from closeloop.messaging.consent import consent_record
from closeloop.messaging.models import ConsentChannel
from closeloop.messaging.services import UNSUBSCRIBE_SALT
from closeloop.practices.local_time import for_patient
from closeloop.practices.models import Practice
from closeloop.support_queue.models import Channel

RATE_LIMIT = 5  # submissions
RATE_WINDOW = 600  # seconds, per client and practice


def page_text(language: str) -> dict[str, str]:
    return {key: text.said_in(language) for key, text in CONTACT_FORM.items()}


class ContactForm(BirthDateForm):
    """The patient's message; the date of birth is optional (``BirthDateForm``: none, or all
    three parts)."""

    birth_date_required = False
    birth_date_key = "date_of_birth"

    submission = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    reason = forms.ChoiceField(choices=[("general", "general"), ("new_patient", "new_patient")])
    message = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    #: Hidden from people; bots fill it in.
    website = forms.CharField(required=False)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, language=language, **kwargs)
        text = page_text(language)
        for name in ("name", "phone", "email", "reason", "message"):
            self.fields[name].label = text[name]
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            ("general", text["general"]),
            ("new_patient", text["new_patient"]),
        ]

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError:
            raise forms.ValidationError(CONTACT_FORM["bad_phone"].said_in(self.language)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise forms.ValidationError(CONTACT_FORM["need_contact"].said_in(self.language))
        return data


def _client_key(request: HttpRequest, practice: Practice) -> str:
    # REMOTE_ADDR is the proxy's address behind a load balancer; deployments that terminate
    # there should pass the client address through (see docs/operations.md).
    return f"contact-form:{practice.pk}:{request.META.get('REMOTE_ADDR', '?')}"


def over_limit(key: str, limit: int, window: int) -> bool:
    """One more request under ``key``: True when that makes more than ``limit`` in the
    current ``window`` seconds (the shared cache: Redis when configured, so every web server
    counts together)."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _over_limit(request: HttpRequest, practice: Practice) -> bool:
    return over_limit(_client_key(request, practice), RATE_LIMIT, RATE_WINDOW)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_object_or_404(Practice, slug=slug)
    # The link to another language (and the form's own field) decides; else the browser's.
    asked = request.POST.get("lang") or request.GET.get("lang")
    if asked not in patient_languages():
        asked = browser_language(request.headers.get("Accept-Language", "")) or SOURCE
    language = asked
    with speaking(language):  # Django's own form messages in the patient's language too
        return _contact(request, practice, language)


def _contact(request: HttpRequest, practice: Practice, language: str) -> HttpResponse:
    text = {
        k: v.format(practice=practice.name, when="{when}") for k, v in page_text(language).items()
    }
    context: dict[str, Any] = {
        "practice": practice, "t": text, "language": language,
        "others": other_languages(language),
    }  # fmt: skip
    if request.method == "GET":
        context["form"] = ContactForm(language=language, initial={"submission": uuid.uuid4().hex})
        return render(request, "intake/contact.html", context)
    form = ContactForm(request.POST, language=language)
    context["form"] = form
    if _over_limit(request, practice):
        context["limited"] = True
        return render(request, "intake/contact.html", context, status=429)
    if not form.is_valid():
        return render(request, "intake/contact.html", context, status=422)
    data = form.cleaned_data
    if data["website"]:
        # A bot: answer as if all went well, store nothing.
        return render(request, "intake/contact_done.html", {**context, "next": ""})
    is_new = data["reason"] == "new_patient"
    details = data["message"]
    if data["date_of_birth"]:
        details += f"\n\nDate of birth given: {data['date_of_birth']:%Y-%m-%d}"
    result = intake_receive(
        practice=practice,
        kind=InboundKind.WEB_FORM,
        external_id=data["submission"][:64],
        channel=Channel.WEB_FORM,
        payload={"reason": data["reason"], "language": language},
        summary=summary_from(data["message"], "Web form message"),
        text=details,
        phone=clean_phone(data["phone"]),
        email=data["email"].lower(),
        caller_name=data["name"],
        birth_date=data["date_of_birth"],
        category_code="new_patient_intake" if is_new else None,
        language=language,
    )
    if result.item.red_flag:
        # Urgent symptoms: what to do now, first and tap to call, not a promise (the same
        # notice leaves by text or email at once: ``intake.services.send_emergency_notice``).
        urgent = {key: text.said_in(language) for key, text in EMERGENCY_REPLY.items()}
        crisis = needs_crisis_line(data["message"])
        return render(
            request, "intake/contact_done.html",
            {**context, "urgent": urgent, "crisis": crisis},
        )  # fmt: skip
    # The page states the item's tracked deadline, in the practice's time and the form's
    # language: the promise if one stands, else when the first response is due.
    due = result.item.next_due_at or result.item.first_response_due_at
    when = for_patient(practice, due, language)
    promise = CONTACT_FORM["next"].said_in(language).format(practice=practice.name, when=when)
    return render(request, "intake/contact_done.html", {**context, "next": promise})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every email: confirm, then stop emails from that practice to that address."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        practice = Practice.objects.get(pk=data["p"])
        address = str(data["a"])
    except (signing.BadSignature, KeyError, TypeError, Practice.DoesNotExist):
        return render(
            request, "intake/unsubscribe.html",
            {"invalid": True, "t": _unsubscribe_text(None, SOURCE), "language": SOURCE},
            status=404,
        )  # fmt: skip
    language = data.get("l") if data.get("l") in patient_languages() else SOURCE
    done = False
    if request.method == "POST":
        consent_record(
            practice=practice,
            channel=ConsentChannel.EMAIL,
            address=address,
            opted_in=False,
            source="unsubscribe_link",
        )
        done = True
    return render(
        request, "intake/unsubscribe.html",
        {"done": done, "t": _unsubscribe_text(practice, language), "language": language},
    )  # fmt: skip


def _unsubscribe_text(practice: Practice | None, language: str) -> dict[str, str]:
    name = practice.name if practice else ""
    phone = (practice.phone_display or practice.phone) if practice else ""
    return {
        key: text.said_in(language).format(practice=name, phone=phone)
        for key, text in UNSUBSCRIBE_PAGE.items()
    }
