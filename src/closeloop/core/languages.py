"""The languages patients can be written to: one per compiled catalog.

Every word that reaches a patient is a gettext string (``closeloop/locale``, and any directory
in ``CLOSELOOP_LOCALE_PATHS``). A language is offered when a compiled catalog for it exists;
the English catalog, written from the source, lists every string there is, so what a language
lacks is what English has and it does not (``missing_strings``). Texts are rendered with
``speaking(language)``, which switches Django's translation for the block.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation

DOMAIN = "django"
SOURCE = "en"


def locale_dirs() -> list[Path]:
    return [Path(directory) for directory in settings.LOCALE_PATHS]


@cache
def patient_languages() -> tuple[str, ...]:
    """ISO 639-1 codes with a compiled catalog, English first."""
    found = {
        mo.parent.parent.name
        for directory in locale_dirs()
        for mo in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    }
    return tuple(sorted(found | {SOURCE}, key=lambda code: (code != SOURCE, code)))


def browser_language(header: str) -> str | None:
    """The patient language a browser's ``Accept-Language`` header prefers (``es-MX`` is
    ``es``; by its ``q`` weights, then its order), or None when it names none of them. A
    malformed weight counts as not wanted: the header is the visitor's, never trusted."""
    ranked = []
    for position, part in enumerate(header[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary and weight > 0:  # (NaN is not > 0)
            ranked.append((-weight, position, primary))
    offered = patient_languages()
    return next((code for _, _, code in sorted(ranked) if code in offered), None)


@cache
def catalog_keys(language: str) -> frozenset[Any]:
    """The strings ``language``'s catalogs translate (gettext keys: ``context\\x04msgid``)."""
    keys: set[Any] = set()
    for directory in locale_dirs():
        mo = directory / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.exists():
            with mo.open("rb") as handle:
                catalog = gettext_module.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
            keys.update(key for key in catalog if key)
    return frozenset(keys)


def key(context: str, msgid: str) -> str:
    return f"{context}\x04{msgid}" if context else msgid


def translates(language: str, context: str, msgid: str) -> bool:
    return key(context, msgid) in catalog_keys(language)


def missing_strings(language: str) -> list[str]:
    """What ``language`` lacks of the English catalog, as "context: text" lines."""
    lacking = catalog_keys(SOURCE) - catalog_keys(language)
    return sorted(
        str(k).replace("\x04", ": ", 1) if isinstance(k, str) else str(k[0]) for k in lacking
    )


def language_name(code: str) -> str:
    """ "Spanish" for ``es`` (the staff screens are English); the code itself when unknown."""
    try:
        return str(translation.get_language_info(code)["name"])
    except KeyError:
        return code


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Django's gettext answers in ``language`` inside the block."""
    with translation.override(language):
        yield


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    # Tests add a catalog directory with override_settings(LOCALE_PATHS=...).
    if setting == "LOCALE_PATHS":
        patient_languages.cache_clear()
        catalog_keys.cache_clear()


@register()
def compiled_catalogs_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A catalog edited after it was compiled would send yesterday's words (or none)."""
    errors = []
    for directory in locale_dirs():
        for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                errors.append(
                    Error(
                        f"The catalog {po} is not compiled, or changed since it was.",
                        hint="Run `uv run closeloop languages compile` (the build does it too: "
                        "`uv sync`).",
                        id="closeloop.E020",
                    )
                )
    return errors


@dataclass(frozen=True)
class Words:
    """A patient-facing string marked for the catalogs, with its context. It is never a
    ``str``: a patient's words are always asked for in a language (``said_in``);
    ``translated_in`` tells whether that language's catalog has it (the source always does)."""

    context: str
    text: str

    def said_in(self, language: str) -> str:
        with translation.override(language):
            return translation.pgettext(self.context, self.text)

    def translated_in(self, language: str) -> bool:
        return language == SOURCE or translates(language, self.context, self.text)


def words(context: str, text: str) -> Words:
    """Marks ``text`` for the catalogs (``closeloop languages extract`` finds every call)."""
    return Words(context, text)


#: Each catalog's own name for its language (a link to it reads "Español", not "Spanish").
OWN_NAME = words("this language's name, written in it", "English")


def other_languages(current: str) -> list[tuple[str, str]]:
    """(code, name in itself) of every patient language but ``current``: the public pages'
    language links."""
    return [(code, OWN_NAME.said_in(code)) for code in patient_languages() if code != current]


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """(code, English name) of every patient language, and ``current`` if it is another (a
    language recorded for a patient that has no catalog yet)."""
    codes = list(patient_languages())
    if current and current not in codes:
        codes.append(current)
    return [(code, language_name(code)) for code in codes]
