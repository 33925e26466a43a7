"""What follows a resolution, in one place: the review request (practices that ask after each
resolution) and the closing question ("Did we resolve your request?"), in that order and at the
same moment, so that the answer, which comes later, never decides whether or when a patient is
asked for a review.

Every resolution calls it: the item page and the API (``actions.registry``), the demo's
history, and any automatic resolve to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from closeloop.core.types import Actor
from closeloop.messaging import closing_question, reviews
from closeloop.messaging.models import RecoveryCheck, ReviewRequest
from closeloop.support_queue.models import SupportItem


@dataclass(frozen=True)
class AfterResolution:
    """The review request's decision (None: the practice does not ask after resolutions) and
    the closing question asked (None: not asked)."""

    review: ReviewRequest | None
    question: RecoveryCheck | None

    @property
    def detail(self) -> dict[str, Any]:
        """What an action reports of it (empty: nothing was decided or sent)."""
        detail: dict[str, Any] = {}
        if self.review is not None:
            detail["review_request"] = self.review.decision
        if self.question is not None:
            detail["closure_question"] = "asked"
        return detail


def follow_resolution(item: SupportItem, *, actor: Actor) -> AfterResolution:
    """Right after ``item`` was resolved: the review request, then the closing question. A
    message sent here is an event of its own (the item's version goes up): callers holding the
    item read it again when ``detail`` is not empty."""
    review = reviews.after_resolution(item, actor=actor)
    question = closing_question.ask_after_resolution(item, actor=actor)
    return AfterResolution(review=review, question=question)
