"""May this person take this action on this item? One selector for every door.

The item page, its htmx fragments and the API all fetch an item they are about to act on
through ``item_for_action``: another practice's item (or one that does not exist) is
``ItemNotFound`` (a 404: its existence is not revealed); an item the person may see but not act
on is ``ActionForbidden`` (a 403 that says why). The rules:

* acting on items needs the ``work_queue`` permission;
* a clinical item (``SupportItem.is_clinical``) is clinical staff's: others see its routing
  summary and the emergency script, and take no action on it;
* deciding the outcome (resolving) follows ``permissions.may_not_decide``: clinical items by
  clinical staff, complaints by supervisors;
* accepting a handoff is for the person it was handed to.
"""

from __future__ import annotations

from closeloop.actions.registry import ACTIONS, VIEW_DETAILS
from closeloop.core.types import Viewer
from closeloop.lib.ids import parse_id
from closeloop.security.permissions import (
    Perm,
    has_perm,
    may_not_decide,
    sees_clinical_details,
)
from closeloop.support_queue.models import SupportItem
from closeloop.support_queue.selectors import get_item_for_user


class ItemNotFound(LookupError):
    """No such item among those the person may see."""


class ActionForbidden(PermissionError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refusal(user: Viewer, item: SupportItem, action: str) -> str:
    """Why ``user`` may not take ``action`` on ``item`` (which they can see), or ""."""
    if action != VIEW_DETAILS and action not in ACTIONS:
        raise KeyError(action)
    if not has_perm(user, Perm.WORK_QUEUE):
        return "Your role does not work the queue."
    if not sees_clinical_details(user, item):
        return "Routed to clinical staff: only clinical staff see and work this item."
    if action == VIEW_DETAILS:
        return ""
    spec = ACTIONS[action]
    if spec.decides and (refused := may_not_decide(user, item)):
        return refused[1]
    if spec.owner_only and item.owner_id != getattr(user, "pk", None):
        return "Only the person this item was handed to can do that."
    return ""


def may(user: Viewer, item: SupportItem, action: str) -> bool:
    return not refusal(user, item, action)


def item_for_action(user: Viewer, item_id: object, action: str) -> SupportItem:
    """The item ``user`` is about to act on (or read in full, with ``VIEW_DETAILS``)."""
    pk = parse_id(item_id)
    if pk is None:
        raise ItemNotFound
    try:
        item = get_item_for_user(user, pk)
    except SupportItem.DoesNotExist:
        raise ItemNotFound from None
    if why := refusal(user, item, action):
        raise ActionForbidden(why)
    return item


def item_to_read(user: Viewer, item_id: object) -> SupportItem:
    """The item ``user`` may see (in full or as its routing summary), else ``ItemNotFound``."""
    pk = parse_id(item_id)
    if pk is None:
        raise ItemNotFound
    try:
        return get_item_for_user(user, pk)
    except SupportItem.DoesNotExist:
        raise ItemNotFound from None
