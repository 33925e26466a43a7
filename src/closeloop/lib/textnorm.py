"""Text normalisation for matching patient wording: lower case, no accents, no punctuation."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Apostrophes are dropped, not spaced: "can't" and "cant" (as typed or transcribed) read alike.
_APOSTROPHES = str.maketrans({"\u2019": None, "\u2018": None, "`": None, "'": None})


def normalize(text: str) -> str:
    """``"¿Me duele el PECHO?"`` -> ``"me duele el pecho"``; ``"can't"`` -> ``"cant"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain).split())
