"""The support-item lifecycle: the only code that changes an item (the sweep's deadline work
is in ``deadlines``, built on the same ``item_writes``).

Every service here is keyword-only, runs in one transaction with the item row locked, refuses a
change the loop-closing rules forbid (``LifecycleError`` naming what is missing) and writes one
timeline event with the acting user (``None`` = the system) and old/new values as codes.

The loop holds because of four rules kept here, whichever door a change comes through:

* **The promise.** Every open item has a next deadline someone owns: a first response still
  due (new), else a promised update time. A contact that reaches the patient renews the
  promise (``next_update_at``); nothing erases one while the item is open.
  ``loop_invariant`` checks it.
* **A handoff is a transfer.** Routing to a named colleague moves the item to them with an
  acceptance deadline and an alert; the promise carries over and the item stays open.
* **Complete means complete.** Resolving needs a logged contact that gave the patient the
  current next step; complaints also a supervisor's callback and the recovery action.
* **Attempts are not contacts.** A call that does not reach the patient keeps nothing: the
  promise stands and the practice's callback policy sets the next attempt.

One module per concern; this package re-exports their services, so callers import
``closeloop.support_queue.lifecycle`` and never the module a service lives in:

* ``rules``: the rules several services share (live channels, the renewed promise).
* ``offered``: the actions worth offering.
* ``create``: filing a new item.
* ``assign``: routing, handoffs and their acceptance.
* ``contacts``: receipts, contacts, call attempts, repeat contacts.
* ``work``: notes, the update window, start, wait, escalate.
* ``resolve``: resolve, answer on the spot, close, reopen.
* ``merge``: the same need filed twice.
* ``about``: category, patient, urgent symptoms.
* ``appointments``: the visit an item is about.
* ``messages``: messages to the patient: recorded, failed, cancelled.
"""

from __future__ import annotations

from closeloop.support_queue.item_writes import LifecycleError, can_transition
from closeloop.support_queue.lifecycle.about import (
    item_categorize,
    item_flag_red,
    item_link_patient,
    item_record_alerted,
)
from closeloop.support_queue.lifecycle.appointments import (
    appointment_due,
    item_link_appointment,
    item_unlink_appointment,
    items_follow_appointment,
)
from closeloop.support_queue.lifecycle.assign import Assignment, item_accept, item_assign
from closeloop.support_queue.lifecycle.contacts import (
    item_acknowledge,
    item_log_attempt,
    item_log_contact,
    item_record_repeat_contact,
)
from closeloop.support_queue.lifecycle.create import item_create
from closeloop.support_queue.lifecycle.merge import item_merge
from closeloop.support_queue.lifecycle.messages import (
    MessageRecorded,
    item_message_cancelled,
    item_message_failed,
    item_record_message,
)
from closeloop.support_queue.lifecycle.offered import available_actions
from closeloop.support_queue.lifecycle.resolve import (
    item_answer,
    item_close,
    item_reopen,
    item_resolve,
    patient_has_next_step,
)
from closeloop.support_queue.lifecycle.rules import (
    LIVE_CHANNELS,
    MAX_CLOCK_SKEW,
    NEXT_UPDATE,
    red_flag_due,
)
from closeloop.support_queue.lifecycle.work import (
    item_add_note,
    item_escalate,
    item_record_links_revoked,
    item_set_update_window,
    item_start,
    item_wait,
)

__all__ = [
    "Assignment",
    "LIVE_CHANNELS",
    "LifecycleError",
    "MAX_CLOCK_SKEW",
    "MessageRecorded",
    "NEXT_UPDATE",
    "appointment_due",
    "available_actions",
    "can_transition",
    "item_accept",
    "item_acknowledge",
    "item_add_note",
    "item_answer",
    "item_assign",
    "item_categorize",
    "item_close",
    "item_create",
    "item_escalate",
    "item_flag_red",
    "item_link_appointment",
    "item_link_patient",
    "item_log_attempt",
    "item_log_contact",
    "item_merge",
    "item_message_cancelled",
    "item_message_failed",
    "item_record_alerted",
    "item_record_links_revoked",
    "item_record_message",
    "item_record_repeat_contact",
    "item_reopen",
    "item_resolve",
    "item_set_update_window",
    "item_start",
    "item_unlink_appointment",
    "item_wait",
    "items_follow_appointment",
    "patient_has_next_step",
    "red_flag_due",
]
