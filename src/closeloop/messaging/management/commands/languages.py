"""``closeloop languages``: the patient languages' catalogs and what each lacks.

- ``extract``: every string marked in the source, into ``locale/django.pot`` and each
  catalog of ``closeloop/locale`` (new strings untranslated; English filled from the source).
- ``compile``: every ``.po`` in ``LOCALE_PATHS`` into its ``.mo`` (the build does the
  package's own; a practice's added catalog needs this once per change).
- ``add --practice SLUG --language CODE``: the scripts and category names the catalog ships
  for a language, added to a practice where it has none (the rest is written in Settings).
- ``check [--practice SLUG] [--language CODE]``: every string, template, script and category
  name a language lacks at each practice. Exit status 1 if anything is missing — a language
  that lacks something is never written to patients (they get an interpreter's call).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import closeloop
from closeloop.core.languages import SOURCE, language_name, locale_dirs, patient_languages
from closeloop.lib import catalogs
from closeloop.messaging.language import lacks
from closeloop.patients.models import Patient
from closeloop.practices.models import Practice
from closeloop.practices.services import practice_add_language

PACKAGE = Path(closeloop.__file__).resolve().parent


class Command(BaseCommand):
    help = "Patient languages: extract and compile catalogs, list what each language lacks."
    # It is how stale catalogs (a failing start-up check) get compiled.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["extract", "compile", "add", "check"])
        parser.add_argument("--practice", help="add, check: this practice (its slug)")
        parser.add_argument("--language", help="add, check: this language (ISO 639-1 code)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['what']}")(options)

    def _extract(self, options: dict[str, Any]) -> None:
        locale = PACKAGE / "locale"
        template = catalogs.extract(PACKAGE)
        catalogs.write(locale / f"{catalogs.DOMAIN}.pot", template)
        languages = {po.parent.parent.name for po in catalogs.catalogs(locale)} | {SOURCE}
        for language in sorted(languages):
            po = locale / language / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po"
            catalog = catalogs.update(po, template, language)
            lacking = catalogs.missing(catalog, template)
            self.stdout.write(f"{po.relative_to(PACKAGE)}: {len(lacking)} to translate")
        self._compile(options)

    def _compile(self, options: dict[str, Any]) -> None:
        for directory in locale_dirs():
            for mo in catalogs.compile_tree(directory):
                self.stdout.write(f"compiled {mo}")

    def _add(self, options: dict[str, Any]) -> None:
        practice = Practice.objects.filter(slug=options["practice"] or "").first()
        language = options["language"] or ""
        if practice is None or language not in patient_languages():
            raise CommandError("Give --practice SLUG and --language CODE (a compiled catalog).")
        added = practice_add_language(practice=practice, language=language)
        self.stdout.write(f"{practice.slug} {language_name(language)}: {added} added")
        self._check({**options, "practice": practice.slug})

    def _check(self, options: dict[str, Any]) -> None:
        practices = Practice.objects.order_by("name")
        if options["practice"]:
            practices = practices.filter(slug=options["practice"])
            if not practices.exists():
                raise CommandError(f"No practice {options['practice']!r}.")
        incomplete = 0
        for practice in practices:
            spoken = set(
                Patient.objects.filter(practice=practice).values_list(
                    "preferred_language", flat=True
                )
            )
            languages = (
                [options["language"]]
                if options["language"]
                else sorted(set(patient_languages()) | spoken)
            )
            for language in languages:
                lacking = lacks(practice, language)
                name = f"{practice.slug} {language_name(language)} ({language})"
                if not lacking:
                    self.stdout.write(f"{name}: complete")
                    continue
                incomplete += 1
                self.stdout.write(f"{name}: lacks {len(lacking)}")
                for line in lacking:
                    self.stdout.write(f"  {line}")
        self.stdout.write(f"languages check: {incomplete} incomplete practice language(s)")
        if incomplete:
            sys.exit(1)
