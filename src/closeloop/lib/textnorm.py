"""Text normalisation: for matching patient wording (lower case, no accents, no punctuation),
and for telling whether what someone typed says anything (``visible``, ``letter_count``)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Unicode categories no one can see: controls, format characters (zero-width ones, bidi
#: overrides, the byte-order mark), surrogates, private use, unassigned.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Apostrophes are dropped, not spaced: "can't" and "cant" (as typed or transcribed) read alike.
_APOSTROPHES = str.maketrans({"\u2019": None, "\u2018": None, "`": None, "'": None})


def _unseen(text: str) -> str:
    """``text`` without format characters (zero-width spaces and joiners, bidi marks): a
    reader sees "chest pain" in ``"c\u200dhest pain"``, so the rules read it too."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


#: Longer texts are not kept in the cache (a hostile 1 MB email would hold its memory).
CACHED_UP_TO = 4096


def normalize(text: str) -> str:
    """``"¿Me duele el PECHO?"`` -> ``"me duele el pecho"``; ``"can't"`` -> ``"cant"``.
    Cached up to ``CACHED_UP_TO`` characters: triage reads one message several times (rules,
    red flags, the model)."""
    return _normalize_cached(text) if len(text) <= CACHED_UP_TO else _normalize(text)


@lru_cache(maxsize=1024)
def _normalize_cached(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    lowered = _unseen(text).translate(_APOSTROPHES).lower()
    # ASCII (most messages) has no accents to take off: NFKD leaves it as it is
    plain = lowered if lowered.isascii() else _unaccented(lowered)
    return " ".join(_NON_WORD.sub(" ", plain).split())


def _unaccented(text: str) -> str:
    """``text`` decomposed (NFKD), without its combining marks: "café" -> "cafe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def deletions(word: str) -> set[str]:
    """``word`` with each one of its letters dropped: how a misspelling with a dropped letter is
    looked up (the red-flag rules' and the clinical lexicon's spelling corrections)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def visible(text: str) -> str:
    """``text`` without invisible characters, any run of white space (a no-break or an
    ideographic space too) one space: what a reader actually sees."""
    kept = "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in INVISIBLE_CATEGORIES
    )
    return " ".join(kept.split())


def letter_count(text: str) -> int:
    """Letters and digits in any script: punctuation, symbols and spaces say nothing."""
    return sum(1 for ch in text if ch.isalnum())
