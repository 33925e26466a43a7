"""What staff say on an item: its category's scripts in the patient's language, filled with
the item's real facts — the channel, the first name, the owner (else who will answer), the
tracked promise in the practice's time, and the next step — never a blank or a placeholder."""

from __future__ import annotations

from django.utils import timezone

from closeloop.practices.local_time import for_patient
from closeloop.practices.models import CategoryScript
from closeloop.practices.scripts import not_yet, thanks, tidy, who
from closeloop.queue.models import SupportItem


def item_scripts(item: SupportItem) -> list[tuple[str, str]]:
    """(part label, text) for acknowledge, clarify, own and close."""
    scripts = {s.language: s for s in CategoryScript.objects.filter(category=item.category)}
    script = scripts.get(item.language) or scripts.get("en")
    if script is None:
        return []
    language = script.language
    promise = item.promised_update_at
    update_time = (
        for_patient(item.practice, promise, language)
        if promise is not None and promise > timezone.now()
        else not_yet("update_time", language)
    )
    owner = (
        (item.owner.get_full_name() or item.owner.get_username())
        if item.owner
        else who(item.category.code, language)
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
            owner=owner,
            next_step=next_step,
        )
    ]
