"""Bulk actions from the queue: reassign, escalate, add a note, merge several items at once, or
move their promised update time (each keeps its plan; e.g. the phones are down until noon).

Each item goes through the same door as one at a time (``access.item_for_action`` and the
action registry's service, each in its own savepoint, each audited on its timeline); an item a
rule refuses is reported with the reason and the others go ahead. A reassignment is judged by
the one receiver rule (``support_queue.eligibility``, through ``lifecycle.item_assign``): its cap
counts the items this action has given so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from closeloop.actions import access
from closeloop.actions.registry import ACTIONS, run
from closeloop.core.types import User
from closeloop.lib.dates import parse_local
from closeloop.support_queue.item_writes import LifecycleError
from closeloop.support_queue.models import SupportItem
from closeloop.triage.routing import handback_team

BULK_ACTIONS = ("assign", "escalate", "note", "merge", "update_window")
MAX_ITEMS = 200


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def _new_promise(item: SupportItem, data: dict[str, Any]) -> dict[str, Any]:
    """The update-window inputs that move ``item``'s promise and keep its plan."""
    update_at = data.get("update_at")
    if update_at is None and data.get("update_at_local"):
        try:
            update_at = parse_local(data["update_at_local"], ZoneInfo(item.practice.timezone))
        except ValueError as bad:
            raise LifecycleError("bad_time", str(bad)) from None
    return {
        "checking": item.checking,
        "next_step": item.next_step,
        "update_at": update_at,
        "after_hours_reason": data.get("after_hours_reason", ""),
    }


def bulk_run(*, actor: User, item_ids: list[int], action: str, data: dict[str, Any]) -> BulkResult:
    """Take ``action`` on each item. ``data``: ``owner`` (a user or None) and ``reason`` for
    assign; ``reason`` for escalate; ``text`` for note; merge puts every other item into the
    first one selected (it stays open; ``done`` lists the items merged into it);
    ``update_window`` moves each item's promise to ``update_at`` (an aware time) or
    ``update_at_local`` (a local time on each item's practice clock), keeping its plan, by the
    same rule as one at a time (``after_hours_reason`` for a time outside business hours)."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    result = BulkResult()
    ids = list(dict.fromkeys(item_ids))[:MAX_ITEMS]
    spec = ACTIONS[action]
    owner: Any = data.get("owner")
    target: SupportItem | None = None
    for pk in ids:
        try:
            with transaction.atomic():
                item = access.item_for_action(actor, pk, action)
                if action == "assign":
                    if item.owner_id == getattr(owner, "pk", None):
                        raise LifecycleError("unchanged", "already there")
                    values = {
                        "owner": owner,
                        "team": handback_team(item),
                        "reason": data.get("reason", ""),
                    }
                elif action == "merge":
                    if target is None:
                        target = item
                        continue
                    values = {"into": target}
                elif action == "update_window":
                    values = _new_promise(item, data)
                elif action == "escalate":
                    values = {"reason": data.get("reason", "")}
                else:
                    values = {"text": data.get("text", "")}
                run(spec, item=item, actor=actor, data=values)
        except LifecycleError as refused:
            result.refused.append((pk, refused.message))
            continue
        except (access.ItemNotFound, access.ActionForbidden) as refused:
            result.refused.append((pk, getattr(refused, "message", "not an item you may act on")))
            continue
        result.done.append(pk)
    return result
