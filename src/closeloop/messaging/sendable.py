"""A template or script that could never be sent cannot be saved (Settings, the admin site).

The same checks as sending: no clinical details (a text that names them is refused at every
send, so a template that does would fail the front desk each time), every word in the language
it is saved for (``messaging.language``), no part missing. Each problem names the words and why.
"""

from __future__ import annotations

from closeloop.core.languages import language_name, patient_languages
from closeloop.lib import langdetect, placeholders
from closeloop.messaging.services import clinical_content

#: Placeholders are filled with names, times and numbers: not words of a language.
_PLACEHOLDER_FILLS = dict.fromkeys(
    ("first_name", "practice", "update_time", "next_step", "callback_number", "review_link",
     "owner", "thanks", "visit_time", "visit_link", "device_test_link"),
    " ",
)  # fmt: skip


def _words_only(text: str) -> str:
    return placeholders.fill(text, _PLACEHOLDER_FILLS)


def text_problems(text: str, language: str, what: str, practice_name: str) -> list[str]:
    """Why ``text`` (a template's body or a script's part, ``what`` it is) could not be sent
    to a patient who reads ``language``."""
    problems = []
    plain = _words_only(text).replace(practice_name, " ")
    if why := clinical_content(plain):
        problems.append(
            f"{what.capitalize()} cannot be sent: texts must not carry clinical details, and {why}."
        )
    other = langdetect.other_language(plain, language, patient_languages())
    if other is not None:
        theirs = language_name(language)
        problems.append(
            f"{what.capitalize()} is in {language_name(other)}: it is for patients who read "
            f"{theirs}, so write it in {theirs}."
        )
    return problems
