"""Gettext catalogs without GNU gettext: extract, update and compile with Babel (pure Python).

Patient-facing words live in ``closeloop/locale/<language>/LC_MESSAGES/django.po``. The English
catalog is written from the source (each ``msgstr`` is its ``msgid``), so its compiled form lists
every string a language must have; other languages are translated by people. The build compiles
each ``.po`` into its ``.mo`` (``hatch_build.py``); ``closeloop languages compile`` does the same
for catalogs a practice adds elsewhere.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

DOMAIN = "django"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
SOURCE_LANGUAGE = "en"
#: Django's translation functions, as Babel's extractor should read them.
KEYWORDS = {
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "_": None,
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
    # closeloop.core.languages.words(context, text): a string kept with its context.
    "words": ((1, "c"), 2),
}
PROJECT = "Closeloop"


def _skip(dirname: str) -> bool:
    return Path(dirname).name not in ("migrations", "__pycache__", "locale", "data")


def extract(source: Path) -> Catalog:
    """Every string marked for translation in the Python files under ``source``."""
    template = Catalog(project=PROJECT, fuzzy=False)
    found = extract_from_dir(
        source,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=_skip,
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def write(path: Path, catalog: Catalog) -> None:
    """Written without line numbers or dates, so the file changes only when a string does."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, include_lineno=False,
             ignore_obsolete=True, sort_output=True)  # fmt: skip
    text = b"\n".join(
        line
        for line in buffer.getvalue().split(b"\n")
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By'))
        and not line.startswith(b"# Copyright (C)")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != text:
        path.write_bytes(text)


def update(po_path: Path, template: Catalog, language: str) -> Catalog:
    """``po_path``'s catalog brought up to ``template``: new strings added untranslated (the
    source language's filled with themselves), strings no longer used dropped."""
    catalog = read(po_path, language) if po_path.exists() else Catalog(locale=language)
    catalog.project = PROJECT
    catalog.fuzzy = False
    catalog.header_comment = (
        f"# Closeloop: what patients read and hear, in "
        f"{catalog.locale.english_name if catalog.locale else language}.\n"
        "# This file is distributed under the same license as the Closeloop project."
    )
    # Babel adds the template's own message objects; a copy keeps English's filled-in strings
    # (below) from reaching the next language as if translated.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False)
    if language == SOURCE_LANGUAGE:
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    write(po_path, catalog)
    return catalog


def missing(catalog: Catalog, template: Catalog) -> list[str]:
    """The template's strings that ``catalog`` does not translate (absent, empty or fuzzy)."""
    lacking = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found is not None else None
        values = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(values):
            label = message.id if isinstance(message.id, str) else message.id[0]
            lacking.append(f"{message.context}: {label}" if message.context else label)
    return lacking


def compiled(po_path: Path) -> bytes:
    """The ``.mo`` bytes for ``po_path`` (fuzzy and untranslated strings left out)."""
    catalog = read(po_path)
    # Dates the .po does not carry would be "now": the same source compiles to the same bytes.
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def catalogs(locale_dir: Path) -> Iterable[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_tree(locale_dir: Path) -> list[Path]:
    """Compile every catalog under ``locale_dir`` whose ``.mo`` is missing or out of date;
    returns the ``.mo`` files written."""
    written = []
    for po_path in catalogs(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
        elif mo_path.stat().st_mtime < po_path.stat().st_mtime:
            mo_path.touch()  # the same words, compiled: newer than its source again
    return written


def stale(locale_dir: Path) -> list[Path]:
    """Catalogs whose ``.mo`` is missing or does not match the ``.po``."""
    return [
        po_path
        for po_path in catalogs(locale_dir)
        if not po_path.with_suffix(".mo").exists()
        or po_path.with_suffix(".mo").read_bytes() != compiled(po_path)
    ]
