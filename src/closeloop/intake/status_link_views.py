"""The patient's status page (``/s/<token>``): phone first, in the patient's language, showing
only what is safe for whoever holds the phone (``messaging.status_links.patient_view``). A
patient who confirms their date of birth may send a short reply (an inbound contact on the
item: the repeat rules apply and the owner is alerted); after a confirmed resolution the page
asks "Did we resolve your request?". Every view is audited; nothing is cached; no
third-party assets; the token never leaves in a Referer."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from closeloop.core.languages import (
    SOURCE,
    other_languages,
    patient_languages,
    speaking,
)
from closeloop.intake.birthdate import BirthDateForm
from closeloop.intake.models import InboundKind
from closeloop.intake.public import over_limit
from closeloop.intake.services import intake_receive, summary_from
from closeloop.intake.wording import STATUS_PAGE
from closeloop.lib.phones import display_phone
from closeloop.messaging import closing_question, status_links
from closeloop.messaging.models import RecoveryAnswer, StatusLink
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.support_queue.models import Channel

#: Views and replies per address per minute, across all links.
RATE_LIMIT = 30
RATE_WINDOW = 60


def page_text(language: str) -> dict[str, str]:
    return {key: text.said_in(language) for key, text in STATUS_PAGE.items()}


class ReplyForm(BirthDateForm):
    """A short reply, after the patient's date of birth (``BirthDateForm``)."""

    text = forms.CharField(
        max_length=status_links.REPLY_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


def _language(request: HttpRequest, link: StatusLink | None) -> str:
    languages = patient_languages()
    asked = request.GET.get("lang") or request.POST.get("lang")
    if asked in languages:
        return asked
    return link.item.language if link and link.item.language in languages else SOURCE


def _over_limit(request: HttpRequest) -> bool:
    return over_limit(f"status-page:{audit.client_ip(request) or '?'}", RATE_LIMIT, RATE_WINDOW)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves the site
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(
    request: HttpRequest,
    link: StatusLink | None,
    *,
    status_code: int = 200,
    message: str = "",
    **extra: Any,
) -> HttpResponse:
    language = _language(request, link)
    # The page's own address, whichever of its forms answered (reply, answer).
    base = re.sub(r"/(reply|answer)$", "", request.path)
    context: dict[str, Any] = {
        "t": page_text(language), "language": language, "base": base,
        "others": other_languages(language), "message": message, **extra,
    }  # fmt: skip
    if link is not None and message:
        # An expired or revoked link: the patient's language and the practice's phone only.
        practice = link.item.practice
        context["ended"] = {
            "call": context["t"]["ended_call"].format(practice=practice.name),
            "phone": display_phone(practice.phone) or practice.phone,
            "phone_href": practice.phone,
        }
    elif link is not None:
        context["view"] = status_links.patient_view(link.item, language)
    with speaking(language):  # the form's own messages, the date input
        return _private(render(request, "intake/status.html", context, status=status_code))


def _link_or_page(request: HttpRequest, token: str) -> StatusLink | HttpResponse:
    if _over_limit(request):
        return _page(request, None, status_code=429, message="limited")
    link = status_links.link_found(token)
    if link is None:
        # Unknown: a neutral page that says nothing about any practice or patient.
        return _page(request, None, status_code=404, message="gone")
    ended = status_links.link_ended(link)
    if ended:
        return _page(request, link, status_code=410, message=ended)
    return link


@require_GET
def status_view(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_page(request, token)
    if isinstance(link, HttpResponse):
        return link
    status_links.record_view(link)
    audit.record(
        AuditAction.VIEW,
        link.item,
        fields=["status_page"],
        detail={"status_link": link.pk, "by": "patient link"},
    )
    notice = request.GET.get("done", "")
    form = ReplyForm(language=_language(request, link))
    return _page(request, link, form=form, notice=notice if notice in STATUS_PAGE else "")


@require_POST
def status_reply(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_page(request, token)
    if isinstance(link, HttpResponse):
        return link
    language = _language(request, link)
    form = ReplyForm(request.POST, language=language)
    if not form.is_valid():
        date_error = form.birth_date_error()
        error = "bad_date" if date_error else "empty"
        return _page(request, link, status_code=422, form=form, error=error, date_error=date_error)
    try:
        status_links.check_birth_date(link, form.cleaned_data["birth_date"])
    except status_links.ReplyRefused as refused:
        error = "locked" if refused.code == "locked" else "bad_birth_date"
        return _page(request, link, status_code=429 if error == "locked" else 422, form=form,
                     error=error)  # fmt: skip
    item = link.item
    text = form.cleaned_data["text"].strip()
    intake_receive(
        practice=item.practice,
        kind=InboundKind.STATUS_PAGE,
        external_id=f"status-{link.pk}-{uuid.uuid4().hex}",
        channel=Channel.WEB_FORM,
        payload={"status_link": link.pk},
        summary=summary_from(text, "Reply on the status page"),
        text=text,
        language=item.language,
        reply_to=item,
    )
    return redirect(f"/s/{token}?lang={language}&done=sent")


@require_POST
def status_answer(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_page(request, token)
    if isinstance(link, HttpResponse):
        return link
    language = _language(request, link)
    answer = request.POST.get("answer", "")
    check = status_links.pending_check(link.item)
    if check is None or answer not in RecoveryAnswer.values:
        return redirect(f"/s/{token}?lang={language}")
    closing_question.record_answer(check, answer, request.POST.get("comment", ""), how="page")
    done = "thanks_yes" if answer == RecoveryAnswer.YES else "thanks_no"
    return redirect(f"/s/{token}?lang={language}&done={done}")
