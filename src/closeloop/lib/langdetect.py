"""Which language a short text is in, among the languages patients are written to.

Lingua (``lingua-language-detector``): offline, its models inside the package, built for short
texts. Low-accuracy mode (trigrams only) and only the languages asked for are loaded, lazily:
3.4 MB for the import, 6.6 MB and ~0.2 s more for English and Spanish on first use, then
~30 µs a text (its high-accuracy mode took 120 MB, over the web process's budget; py3langid
75 MB and was less sure of two-word phrases). Nothing here knows Django: callers pass the languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

#: Fewer letters than this say too little to judge ("OK", "9:30").
MIN_LETTERS = 6
#: A language is judged "another" only when the detector is this sure of it …
SURE = 0.6
#: … and gives the expected language less than this.
DOUBT = 0.25
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=16)
def _detector(codes: tuple[str, ...]) -> LanguageDetector | None:
    isos = [getattr(IsoCode639_1, code.upper(), None) for code in codes]
    known = [iso for iso in isos if iso is not None]
    if len(known) < 2:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*known).with_low_accuracy_mode().build()


def _code(language: object) -> str:
    return str(language.iso_code_639_1.name).lower()  # type: ignore[attr-defined]


def confidences(text: str, codes: tuple[str, ...]) -> dict[str, float]:
    """Each of ``codes``'s likelihood for ``text`` (empty when it cannot be judged)."""
    detector = _detector(tuple(sorted(set(codes))))
    if detector is None or len(_LETTERS.findall(text)) < MIN_LETTERS:
        return {}
    return {
        _code(value.language): value.value
        for value in detector.compute_language_confidence_values(text)
    }


def other_language(text: str, expected: str, codes: tuple[str, ...]) -> str | None:
    """The language ``text`` is written in when it is surely not ``expected``, else None."""
    scores = confidences(text, codes)
    if not scores:
        return None
    best = max(scores, key=lambda code: scores[code])
    if best != expected and scores[best] >= SURE and scores.get(expected, 0.0) < DOUBT:
        return best
    return None


@dataclass(frozen=True)
class Part:
    language: str
    text: str


def parts(text: str, codes: tuple[str, ...]) -> list[Part]:
    """``text`` cut where its language changes ("Hola …. Lo que sigue: Patient is booked")."""
    detector = _detector(tuple(sorted(set(codes))))
    if detector is None:
        return []
    return [
        Part(_code(found.language), text[found.start_index : found.end_index])
        for found in detector.detect_multiple_languages_of(text)
    ]


def shorthand(text: str, words: str) -> str | None:
    """The first of ``words`` ("the patient|pt|…", as a catalog gives them) found in
    ``text`` as whole words, else None."""
    choices = [re.escape(word.strip()) for word in words.split("|") if word.strip()]
    if not choices:
        return None
    found = re.search(r"(?<!\w)(" + "|".join(choices) + r")(?!\w)", text, re.IGNORECASE)
    return found.group(1) if found else None
