"""Triage: red flags in both languages with negation, suggestions, the CLI and the measured set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from closeloop.lib.classify import classify, detect_language
from closeloop.lib.redflags import RULES, find_red_flags
from closeloop.lib.textnorm import normalize
from closeloop.triage.evaluate import evaluate

EXAMPLES = {
    "chest_pain": ("My chest feels tight and heavy", "Me duele el pecho desde la mañana"),
    "breathing": ("I can't catch my breath", "No puedo respirar bien"),
    "stroke": ("Her face is drooping on one side", "A mi papá se le cayó la cara de un lado"),
    "bleeding": ("The bleeding won't stop", "No para de sangrar la herida"),
    "unconscious": ("My husband passed out", "Mi esposa se desmayó en la cocina"),
    "allergic_reaction": ("My throat is closing up", "Se me está cerrando la garganta"),
    "suicidal": ("I want to end my life", "Estoy pensando en quitarme la vida"),
    "severe_pain": ("Worst headache of my life", "Tengo un dolor insoportable"),
    "pregnancy": ("I'm pregnant and bleeding", "Estoy embarazada y estoy sangrando"),
    "infant_fever": ("My 3 week old baby has a fever", "Mi bebé recién nacido tiene fiebre"),
    "overdose": ("I took too many pills", "Me tomé todas las pastillas"),
    "swallowing": ("I can't swallow anything at all", "No puedo tragar nada"),
    "dental_emergency": (
        "My son knocked out his front tooth",
        "La hinchazón de la muela ya me llega al ojo",
    ),
    "head_injury": (
        "My daughter hit her head on the pool deck and keeps vomiting",
        "Mi papá se golpeó la cabeza y ahora está confundido",
    ),
    "burn": (
        "He spilled boiling water all over his arm",
        "La niña se quemó la cara con aceite caliente",
    ),
    "blood_sugar": (
        "his sugar is 38 and he's sweaty and shaky",
        "el glucómetro le marca 42 y está temblando",
    ),
    "meningitis_signs": (
        "High fever and her neck is so stiff she can't bend it",
        "Tiene fiebre y el cuello tieso",
    ),
    "dehydration": (
        "My 2 year old hasn't peed in 10 hours and cries without tears",
        "Mi bebé tiene la mollera hundida y no ha mojado el pañal desde anoche",
    ),
}


def test_every_red_flag_group_has_examples_in_both_languages() -> None:
    assert set(EXAMPLES) == {rule.group for rule in RULES}


@pytest.mark.parametrize(("group", "language"), [(g, lang) for g in EXAMPLES for lang in (0, 1)])
def test_red_flag_groups_in_english_and_spanish(group: str, language: int) -> None:
    text = EXAMPLES[group][language]
    assert group in {flag.group for flag in find_red_flags(text)}, text
    suggestion = classify(text)
    assert (suggestion.category, suggestion.red_flag, suggestion.urgency) == (
        "clinical_message",
        True,
        "emergency",
    )
    assert any(group in reason for reason in suggestion.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain, just need a refill",
        "patient denies chest pain",
        "I don't have chest pain",
        "not bleeding anymore after the extraction",
        "sin dolor de pecho, solo quiero mi receta",
        "no tengo dolor de pecho",
        "no tengo fiebre ni dolor de pecho",
        "this bill is killing me",
    ],
)
def test_negated_or_figurative_mentions_are_not_red_flags(text: str) -> None:
    assert find_red_flags(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "no puedo respirar",
        "I don't have chest pain but I can't breathe",
        "cant breath good since last night",
        "CHEST PIAN!!!",
        "my son is not breathing",
    ],
)
def test_negation_does_not_hide_real_red_flags(text: str) -> None:
    assert find_red_flags(text)


def test_normalisation_drops_case_accents_and_punctuation() -> None:
    assert normalize("¿Me DUELE el pécho? Can't!") == "me duele el pecho cant"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I need to reschedule my appointment", "scheduling"),
        ("necesito cambiar mi cita", "scheduling"),
        ("do you take blue cross", "insurance_info"),
        ("the video visit link won't open", "telehealth_access"),
        ("refill my blood pressure medication please", "clinical_message"),
        ("the receptionist was rude, I want to complain", "complaint_review"),
        ("I need a Spanish interpreter", "language_access"),
        ("question about a charge on my statement", "billing"),
        ("has the referral to cardiology been sent", "referral_document_status"),
        ("are you accepting new patients", "new_patient_intake"),
        ("where do I park", "other"),
    ],
)
def test_category_suggestions(text: str, category: str) -> None:
    assert classify(text).category == category


def test_suggestions_explain_themselves() -> None:
    suggestion = classify("I got a bill for a charge my insurance should have paid")
    assert suggestion.category == "billing"
    # The learned model's confidence, and the words the rules saw.
    assert suggestion.reasons[0].startswith("billing: learned model")
    assert any("'bill'" in r and "'charge'" in r for r in suggestion.reasons)


def test_urgency_and_language() -> None:
    assert classify("my video visit starts in 5 minutes and the link is broken").urgency == "urgent"
    assert classify("can I book a cleaning next month").urgency == "routine"
    assert detect_language(normalize("hola necesito una cita para mi hijo")) == "es"
    assert detect_language(normalize("hi I need an appointment")) == "en"
    assert classify("ok", language="es").language == "es"


def test_the_measured_set_meets_the_targets() -> None:
    report = evaluate()
    assert report.rows >= 400
    assert report.red_flag_recall == 1.0
    assert report.accuracy >= 0.90


def test_classify_command_reads_and_writes_json_lines() -> None:
    lines = "\n".join(
        [
            json.dumps({"id": 1, "text": "me duele el pecho"}),
            json.dumps({"id": "b", "text": "can I move my appointment", "language": "en"}),
            "{not json",
            json.dumps({"id": 3}),
        ]
    )
    result = subprocess.run(
        [sys.executable, "-m", "closeloop", "classify"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},  # production defaults, no SECRET_KEY: still works
    )
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {
        "id": 1,
        "category": "clinical_message",
        "red_flag": True,
        "urgency": "emergency",
        "language": "es",
        "reasons": out[0]["reasons"],
    }
    assert out[1]["category"] == "scheduling" and out[1]["red_flag"] is False
    assert out[2]["error"].startswith("line 3: not JSON")
    assert out[3] == {"id": 3, "error": 'line 4: "text" must be a string'}
    assert result.returncode == 1
