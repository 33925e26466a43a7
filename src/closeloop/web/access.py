"""Fetching objects for the signed-in user: another practice's object is a 404, never a 403."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from closeloop.lib.ids import parse_id
from closeloop.patients.models import Patient
from closeloop.patients.selectors import get_patient_for_user
from closeloop.queue.models import SupportItem
from closeloop.queue.selectors import get_item_for_user


def get_item_or_404(request: HttpRequest, pk: int) -> SupportItem:
    if parse_id(pk) is None:
        raise Http404("No such item")
    try:
        return get_item_for_user(request.user, pk)
    except SupportItem.DoesNotExist:
        raise Http404("No such item") from None


def get_patient_or_404(request: HttpRequest, pk: int) -> Patient:
    if parse_id(pk) is None:
        raise Http404("No such patient")
    try:
        return get_patient_for_user(request.user, pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None
