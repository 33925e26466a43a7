"""The review-request guardrails that can change after the decision, in one place: checked when
a review request is decided (``reviews``) and again right before it leaves (``sendtime``).

Each one selects by the item's or the patient's state, never by how the patient feels about
us (docs/messages.md): clinical items are not followed by a review request (a review
could draw health details into public); a patient with an open complaint has it resolved first
and is then asked like anyone else.
"""

from __future__ import annotations

from closeloop.messaging.models import CancelReason
from closeloop.support_queue.models import SupportItem


def review_blocked(item: SupportItem) -> str:
    """Why a review request about ``item`` may not go now ("" when nothing stops it)."""
    if item.is_clinical:
        return CancelReason.CLINICAL_ITEM
    if (
        item.patient_id is not None
        and SupportItem.objects.filter(patient_id=item.patient_id).open().complaints().exists()
    ):
        return CancelReason.OPEN_COMPLAINT
    return ""
