"""Fetching objects for the signed-in user: another practice's object is a 404, never a 403;
an item the user may see but not act on is a 403 that says why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from closeloop.actions import access
from closeloop.lib.ids import parse_id
from closeloop.patients.models import Patient
from closeloop.patients.selectors import get_patient_for_user
from closeloop.support_queue.models import SupportItem


def item_for_action_or_404(request: HttpRequest, pk: int, action: str) -> SupportItem:
    """The item the user is about to act on (``access.item_for_action``), as HTTP errors."""
    try:
        return access.item_for_action(request.user, pk, action)
    except access.ItemNotFound:
        raise Http404("No such item") from None
    except access.ActionForbidden as refused:
        raise PermissionDenied(refused.message) from None


def item_or_404(request: HttpRequest, pk: int) -> SupportItem:
    """An item the user may see, in full or as its routing summary."""
    try:
        return access.item_to_read(request.user, pk)
    except access.ItemNotFound:
        raise Http404("No such item") from None


def get_patient_or_404(request: HttpRequest, pk: int) -> Patient:
    if parse_id(pk) is None:
        raise Http404("No such patient")
    try:
        return get_patient_for_user(request.user, pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None
