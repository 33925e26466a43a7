"""One patient-language rule: every word that reaches a patient is in their language, or it is
not sent.

- **What Closeloop says** comes from the catalogs; a language is complete for an item when its
  catalog has every string, the item's category has its four scripts and its name for patients
  in that language, and there is a template for the purpose (``lacks`` lists what is missing for
  a whole practice; ``closeloop languages check`` prints it).
- **What staff write that a patient will read** (the next step, what we are checking, the
  outcome, a message's own words) must be in the patient's language and speak to them, not of
  them: a language detector (``lib.langdetect``) and each language's third-person shorthand
  from its catalog ("the patient", "pt").

``staff_words_problem`` refuses at the door (form, API); ``message_problem`` refuses a message
when it is queued and holds it when it is about to leave (``hold_reason``, called by the
deliver path): the practice may have changed a script or a catalog in between, or an older
door may have let the words in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from closeloop.core.languages import SOURCE, language_name, missing_strings, patient_languages
from closeloop.lib import langdetect
from closeloop.messaging.models import (
    ConsentChannel,
    MessagePurpose,
    MessageTemplate,
    OutboundMessage,
)
from closeloop.messaging.wording import SHIPPED, THIRD_PERSON
from closeloop.practices.models import Category, CategoryScript, Practice, ScriptPart
from closeloop.support_queue.item_writes import LifecycleError
from closeloop.support_queue.models import SupportItem

#: Not words of any language: links, addresses, numbers, times.
_NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\+?\d[\d\s().:/-]*")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


class LanguageRefused(LifecycleError):
    """Staff words a patient would read are in another language, or speak of the patient."""


def _plain(text: str, proper_nouns: Iterable[str]) -> str:
    for noun in proper_nouns:
        if noun:
            text = text.replace(noun, " ")
    return _NOT_WORDS.sub(" ", text)


def staff_words_problem(
    text: str, language: str, what: str, proper_nouns: Iterable[str] = ()
) -> Problem | None:
    """Why ``text`` (staff's words, ``what`` they are) cannot reach a patient who reads
    ``language``, or None."""
    if not text.strip():
        return None
    plain = _plain(text, proper_nouns)
    for shorthand_in in dict.fromkeys((language, SOURCE)):
        if not THIRD_PERSON.translated_in(shorthand_in):
            continue
        found = langdetect.shorthand(plain, THIRD_PERSON.said_in(shorthand_in))
        if found:
            return Problem(
                "third_person",
                f"{what.capitalize()} says “{found}”: the patient reads it. Write to them "
                "(“we call you Thursday”), not about them.",
            )
    other = langdetect.other_language(plain, language, patient_languages())
    if other is not None:
        name, theirs = language_name(other), language_name(language)
        return Problem(
            "wrong_language",
            f"{what.capitalize()} is in {name}, but the patient reads {theirs}: "
            f"write it in {theirs}.",
        )
    return None


def check_staff_words(item: SupportItem, fields: dict[str, str]) -> None:
    """Refuses (``LanguageRefused``, a 422 at the API) the first of ``fields`` (label → text)
    a patient could not read as written."""
    nouns = _proper_nouns(item)
    for what, text in fields.items():
        problem = staff_words_problem(text, item.language, what, nouns)
        if problem is not None:
            raise LanguageRefused(problem.code, problem.message)


def _proper_nouns(item: SupportItem) -> list[str]:
    """Names are not words of a language ("Riverside Family Medicine" inside Spanish)."""
    nouns = [item.practice.name]
    if item.patient is not None:
        nouns += [item.patient.first_name, item.patient.last_name]
    if item.owner_id and item.owner is not None:
        nouns += [item.owner.first_name, item.owner.last_name]
    return [noun for noun in nouns if noun and len(noun) > 1]


# --- completeness ------------------------------------------------------------------------------


def _scripts_lacking(category: Category, language: str, scripts: dict[str, CategoryScript]) -> str:
    script = scripts.get(language)
    if script is None:
        return f"scripts: {category.name}"
    empty = [part.label.lower() for part in ScriptPart if not getattr(script, part.value).strip()]
    return f"scripts: {category.name} ({', '.join(empty)} empty)" if empty else ""


def _template_lacking(practice: Practice, category: Category | None, purpose: str,
                      channel: str, language: str) -> str:  # fmt: skip
    shipped = SHIPPED.get(purpose)
    if shipped is not None:
        body = shipped.text if channel == ConsentChannel.SMS else shipped.email
        if body.translated_in(language) and shipped.subject.translated_in(language):
            return ""
    own = MessageTemplate.objects.filter(practice=practice, purpose=purpose, language=language)
    if category is not None:
        own = own.filter(category__in=[category]) | own.filter(category__isnull=True)
    if own.exists():
        return ""
    return f"template: {MessagePurpose(purpose).label} ({ConsentChannel(channel).label.lower()})"


def lacks(
    practice: Practice, language: str, categories: Iterable[Category] | None = None
) -> list[str]:
    """Everything ``practice`` lacks to write to patients in ``language``: catalog strings,
    templates (per purpose and channel), each active category's scripts and name for
    patients. Empty: complete."""
    if language not in patient_languages():
        return [f"catalog: no {language_name(language)} ({language}) catalog"]
    found = [f"string: {line}" for line in missing_strings(language)]
    for purpose in MessagePurpose.values:
        if purpose == MessagePurpose.FREE:
            continue
        for channel in ConsentChannel.values:
            found.append(_template_lacking(practice, None, purpose, channel, language))
    chosen = (
        list(categories)
        if categories is not None
        else list(Category.objects.filter(practice=practice, active=True))
    )
    scripts: dict[int, dict[str, CategoryScript]] = {}
    for script in CategoryScript.objects.filter(category__in=chosen):
        scripts.setdefault(script.category_id, {})[script.language] = script
    for category in chosen:
        found.append(_scripts_lacking(category, language, scripts.get(category.pk, {})))
        if not category.name_for_patients(language):
            found.append(f"name for patients: {category.name}")
    return [line for line in found if line]


# --- messages ----------------------------------------------------------------------------------


def message_problem(
    item: SupportItem, language: str, purpose: str, channel: str, staff_words: Iterable[str]
) -> Problem | None:
    """Why a message to ``item``'s patient in ``language`` must not be sent, or None: the
    language lacks what this message and this item's category need (an interpreter's call
    instead), or words staff wrote into it are in another language or speak of the patient."""
    lacking = [
        line
        for line in lacks(item.practice, language, [item.category])
        if not line.startswith("template:")
    ]
    if purpose != MessagePurpose.FREE:
        lacking += [_template_lacking(item.practice, item.category, purpose, channel, language)]
    lacking = [line for line in lacking if line]
    if lacking:
        name = language_name(language)
        shown = "; ".join(lacking[:3]) + (
            f" and {len(lacking) - 3} more" if len(lacking) > 3 else ""
        )
        return Problem(
            "language_incomplete",
            f"{item.practice.name} cannot write to patients in {name} yet (it lacks {shown}; "
            "`closeloop languages check` lists everything). Call the patient with an "
            "interpreter instead.",
        )
    nouns = _proper_nouns(item)
    for words in staff_words:
        problem = staff_words_problem(words, language, "the message's words", nouns)
        if problem is not None:
            return problem
    return None


def hold_reason(message: OutboundMessage) -> str | None:
    """The send-time check (the deliver path calls it for every attempt): why this queued
    message must be held for its owner instead of sent, or None."""
    problem = message_problem(
        message.item,
        message.language or message.item.language,
        message.purpose,
        message.channel,
        [line for line in message.staff_words.split("\n") if line.strip()],
    )
    return problem.message if problem is not None else None
