"""Attack review, session 5: hostile input to the new context machinery, the off-topic gate's
readings and ``closeloop classify`` without the apps."""

from __future__ import annotations

import pytest

from closeloop.lib.classify import classify
from closeloop.lib.redflags import read_red_flags
from tests.conftest import assert_read_in_linear_time

#: A machine shared by the test workers: generous, yet far below the minutes these took.

HOSTILE = {
    # "\s+(?=and now)" tried from every space of a run: each try ran to the run's end
    "a run of spaces": " " * 100_000,
    "a run of tabs and spaces": " \t" * 50_000,
    # a clause per "no.": what an "also" needs was looked for in the whole message per clause
    "a clause per denial": "no. " * 25_000,
    "a clause per pregnancy denial": "not pregnant. " * 7000,
    "commas, colons and dashes": ", : — " * 16_000,
    "a comma, then a run of marks": "," + " —" * 50_000 + " I have chest pain",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_100_kb_of_hostile_text_is_read_in_linear_time(text: str) -> None:
    assert_read_in_linear_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "Just curious, my husband is not breathing",
        "Just curious,\nI want to kill myself tonight",
        "Just curious, she took 30 pills",
        "Just curious, my face is drooping and I can't talk",
        "Por pura curiosidad, mi esposo no puede respirar",
        "Just curious, Btw I have crushing chest pain right now",
        "just curious btw my husband is not breathing",
    ],
)
def test_a_curious_opening_does_not_swallow_an_emergency_reported_after_it(text: str) -> None:
    # "Just curious" left every finding of the message not now unless it also said "right
    # now": a person's own report after it (my husband, I, she) was dismissed as a question.
    assert classify(text).red_flag


def test_a_curious_question_about_a_finding_is_still_not_now() -> None:
    assert not classify("Just curious, what are the signs of a stroke? Nobody is sick").red_flag


# --- closeloop classify without the apps: unreadable input ----------------------------------


@pytest.mark.parametrize("content", [None, b"\xd0\xd1 not utf-8 \xff secret words\n"])
def test_classify_on_an_unreadable_file_says_so_without_a_traceback(
    tmp_path, capsys, content: bytes | None
) -> None:
    # A missing or non-UTF-8 --input file ended in a Python traceback: a clear error, exit 1
    # as Django gives for a CommandError, and none of the file's words.
    from closeloop.cli import main

    path = tmp_path / "messages.jsonl"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        main(["closeloop", "classify", "--input", str(path)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "CommandError" in err
    assert "secret" not in err


@pytest.mark.parametrize(
    "text",
    [
        "no emergency, — I have crushing chest pain right now",
        "Not urgent: she took 30 pills",
        "no es urgente: mi esposo no puede respirar",
        "nothing serious - my husband is not breathing",
    ],
)
def test_a_denial_before_a_colon_or_dash_does_not_reach_the_report_after_it(text: str) -> None:
    # A new statement started only at a comma right before its subject: "no emergency, —"
    # or "not urgent:" denied the emergency the next statement reports.
    assert classify(text).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "mi esposo no respira",
        "el bebé no respira, ayúdenme",
        "mi hijo no respira bien y está morado",
    ],
)
def test_someone_who_does_not_breathe_is_a_red_flag_in_spanish(text: str) -> None:
    # found by the attack review: the spelling correction reads "respira" as "respirar", and
    # no rule knew "no respirar" without a verb of being able before it
    flagged, _ = read_red_flags(text)
    assert "breathing" in {flag.group for flag in flagged}, text


def test_a_stuffy_nose_is_no_red_flag() -> None:
    flagged, _ = read_red_flags("el niño no respira por la nariz por la congestión")
    assert flagged == []


@pytest.mark.parametrize(
    "text", ["no respiro bien cuando corro", "ya respira bien, no respira agitado"]
)
def test_breath_short_only_at_exercise_or_no_longer_fast_is_no_red_flag(text: str) -> None:
    flagged, _ = read_red_flags(text)
    assert flagged == [], text
