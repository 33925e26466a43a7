"""What staff say on an item: its category's scripts in the patient's language (never another:
a language without scripts asks for an interpreter's call), filled with the item's real facts —
the channel, the first name, who answers (named as the status page and messages name them),
the tracked promise in the practice's time, and the next step — never a blank or a
placeholder."""

from __future__ import annotations

from django.utils import timezone

from closeloop.messaging.status_links import who_answers
from closeloop.practices.default_scripts import not_yet, thanks, tidy
from closeloop.practices.local_time import for_patient
from closeloop.practices.models import CategoryScript
from closeloop.support_queue.models import SupportItem


def item_scripts(item: SupportItem) -> list[tuple[str, str]]:
    """(part label, text) for acknowledge, clarify, own and close."""
    script = CategoryScript.objects.filter(category=item.category, language=item.language).first()
    if script is None:
        return []
    language = script.language
    promise = item.promised_update_at
    update_time = (
        for_patient(item.practice, promise, language)
        if promise is not None and promise > timezone.now()
        else not_yet("update_time", language)
    )
    first_name = item.patient.first_name if item.patient else (item.caller_name or "")
    next_step = item.next_step.strip().rstrip(".") or not_yet("next_step", language)
    return [
        (part, tidy(text))
        for part, text in script.render(
            thanks=thanks(item.channel, language),
            first_name=first_name.split(" ")[0] if first_name else "",
            practice=item.practice.name,
            update_time=update_time,
            owner=who_answers(item, language),
            next_step=next_step,
        )
    ]
