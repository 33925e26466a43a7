"""The catalogs hold every word Closeloop says to patients, and are compiled as they stand:
one string marked in the source and missing from the catalogs, or a ``.mo`` older than its
``.po``, fails here (and the build compiles them: ``hatch_build.py``)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import closeloop
from closeloop.core.languages import compiled_catalogs_check, missing_strings, patient_languages
from closeloop.lib import catalogs

PACKAGE = Path(closeloop.__file__).resolve().parent
LOCALE = PACKAGE / "locale"


def test_every_string_marked_in_the_source_is_in_the_catalogs() -> None:
    template = catalogs.extract(PACKAGE)
    for language in ("en", "es"):
        catalog = catalogs.read(LOCALE / language / "LC_MESSAGES" / "django.po", language)
        lacking = catalogs.missing(catalog, template)
        assert lacking == [], f"run `closeloop languages extract` and translate: {lacking}"
        unused = {m.id for m in catalog if m.id} - {m.id for m in template if m.id}
        assert unused == set(), unused


def test_the_compiled_catalogs_are_the_sources_compiled() -> None:
    assert catalogs.stale(LOCALE) == [], "run `uv run closeloop languages compile` (or uv sync)"
    assert compiled_catalogs_check() == []


def test_english_and_spanish_are_complete() -> None:
    assert {"en", "es"} <= set(patient_languages())
    assert missing_strings("es") == []


def test_a_stale_catalog_stops_the_start(tmp_path: Path, settings) -> None:
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, tmp_path]
    errors = compiled_catalogs_check()
    assert [error.id for error in errors] == ["closeloop.E020"]
    catalogs.compile_tree(tmp_path)
    assert compiled_catalogs_check() == []


def test_the_build_compiles_the_catalogs_without_gnu_gettext(tmp_path: Path) -> None:
    """What the build hook runs, on a copy of the catalogs with no ``.mo`` at all."""
    copy = tmp_path / "locale"
    for po in catalogs.catalogs(LOCALE):
        target = copy / po.relative_to(LOCALE)
        target.parent.mkdir(parents=True)
        target.write_bytes(po.read_bytes())
    code = (
        "import sys; from pathlib import Path; from closeloop.lib.catalogs import compile_tree;"
        f"print(len(compile_tree(Path({str(copy)!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) == len(list(catalogs.catalogs(LOCALE)))
    assert catalogs.stale(copy) == []


@pytest.mark.django_db
def test_languages_check_lists_what_a_language_lacks(riverside, capsys) -> None:
    call_command("languages", "check", "--practice", "riverside")
    assert "riverside Spanish (es): complete" in capsys.readouterr().out
    riverside.categories.filter(code="billing").update(patient_names={"en": "Your bill"})
    with pytest.raises(SystemExit) as exited:
        call_command("languages", "check", "--practice", "riverside", "--language", "es")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "lacks 1" in out and "name for patients: Billing handoff" in out
    out_io = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("languages", "check", "--language", "vi", stdout=out_io)
    assert "no Vietnamese (vi) catalog" in out_io.getvalue()


def test_a_new_string_reaches_other_languages_untranslated(tmp_path: Path) -> None:
    """Updating English (whose strings are their own translation) must not hand those English
    words to the next language: a new string is listed as lacking there, never as translated."""
    template = catalogs.Catalog()
    template.add("A brand new sentence for patients.", None)
    english = catalogs.update(tmp_path / "en.po", template, "en")
    spanish = catalogs.update(tmp_path / "es.po", template, "es")
    assert english.get("A brand new sentence for patients.").string
    assert not spanish.get("A brand new sentence for patients.").string
    assert catalogs.missing(spanish, template) == ["A brand new sentence for patients."]
