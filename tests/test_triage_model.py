"""The learned triage model: trains reproducibly on a slice (behaviour, not accuracy), ships
as a small file loaded once, and joins the rules so that symptoms never land in "other"."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from closeloop.lib import textmodel
from closeloop.lib.classify import CATEGORIES, classify
from closeloop.lib.textmodel import MODEL_PATH, Prediction, TextModel, features

sklearn = pytest.importorskip("sklearn", reason="training needs the dev dependencies (uv sync)")


def test_training_on_a_slice_writes_a_model_that_loads_and_predicts(tmp_path) -> None:
    from closeloop.triage.train import train

    out = tmp_path / "model.npz"
    figures = train(limit=400, out=out)
    model = TextModel.load(out)
    prediction = model.predict("I need to reschedule my appointment")
    assert prediction.category in CATEGORIES and 0 <= prediction.clinical <= 1
    assert sum(p for _, p in prediction.categories) == pytest.approx(1.0, abs=1e-3)
    assert figures["rows"] == 400 and 0.3 <= figures["thresholds"]["clinical"] <= 0.7
    assert json.loads((tmp_path / "cv-slice.json").read_text())["rows"] == 400
    again = train(limit=400, out=tmp_path / "again.npz")  # fixed seed: the same model
    assert again["thresholds"] == figures["thresholds"]


def test_the_shipped_model_is_small_and_loads_in_well_under_a_second() -> None:
    assert MODEL_PATH.stat().st_size < 2_000_000
    started = time.perf_counter()
    TextModel.load(MODEL_PATH)
    assert time.perf_counter() - started < 1.0
    assert textmodel.default_model() is textmodel.default_model()  # once per process


def test_features_are_stable_hashed_buckets() -> None:
    bag = features("My knee hurts")
    assert bag == features("my KNEE hurts!") and all(0 <= k < textmodel.DIMENSIONS for k in bag)
    assert sum(v * v for v in bag.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text",
    [
        "I break out on my face",
        "my knee hurts when I climb stairs",
        "I've had a cough for two weeks",
        "my eyes are itchy and red",
        "there is a lump on my neck",
        "me salen granitos en la cara",
        "me duele la rodilla al subir escaleras",
        "tengo tos desde hace una semana",
    ],
)
def test_a_symptom_description_never_lands_in_other(text: str) -> None:
    suggestion = classify(text)
    assert suggestion.category == "clinical_message", (text, suggestion.reasons)


# --- issue 34: the "is this for a practice at all" gate --------------------------------------

#: Our own wording, nothing a practice does: the front desk ("other"), never clinicians.
FOR_NO_PRACTICE = [
    "dim the lights in the living room to 30 percent",
    "add paper towels and dish soap to my shopping list",
    "what's the stock price of apple right now",
    "how many teaspoons are in a tablespoon",
    "who sang that song about the yellow submarine",
    "we can get your website to the top of google, reply YES for a free audit",
    "sorry, wrong number, I was looking for the laundromat",
    "I saw your ad for a receptionist, is the job still open",
    "pon la alarma para las siete de la mañana",
    "¿cuánto cuesta un boleto de avión a Guadalajara?",
    "perdón, número equivocado, buscaba la panadería",
    "le ofrecemos paneles solares sin costo inicial",
]
#: The same kind of message with a symptom in it: clinical staff still read it.
FOR_NO_PRACTICE_WITH_A_SYMPTOM = [
    "add paper towels to my shopping list, also my knee has been swollen for a week",
    "sorry wrong number, but while I have you I've had a fever since Sunday",
    "what's the weather tomorrow, I get migraines when it rains",
    "I'm applying for the receptionist job, and I also need a refill of my inhaler",
    "pon la alarma para las siete, y me duele mucho la muela",
    "perdón, número equivocado, pero tengo tos desde hace una semana",
]


@pytest.mark.parametrize("text", FOR_NO_PRACTICE)
def test_a_message_for_no_practice_goes_to_the_front_desk(text: str) -> None:
    suggestion = classify(text)
    assert suggestion.category == "other" and not suggestion.red_flag, (text, suggestion.reasons)


@pytest.mark.parametrize("text", FOR_NO_PRACTICE_WITH_A_SYMPTOM)
def test_a_message_for_no_practice_with_a_symptom_still_reaches_clinical_staff(text: str) -> None:
    suggestion = classify(text)
    assert suggestion.category == "clinical_message", (text, suggestion.reasons)


def test_the_gate_yields_to_any_clinical_signal_whatever_the_model_says() -> None:
    """The gate's logic, apart from the learned weights: a model certain that a message is for
    no practice still loses to a symptom word, a red flag or a practice's own business."""
    from closeloop.lib.classify import combine
    from closeloop.lib.textmodel import Prediction

    sure = Prediction(categories=[("other", 0.9), ("billing", 0.1)], clinical=0.05,
                      red_flag=0.0, off_topic=0.99)  # fmt: skip

    def decide(text: str) -> str:
        return combine(text, sure, 0.5, 0.9, off_topic_threshold=0.8).category

    assert decide("play some jazz") == "other"
    assert decide("play some jazz, my ear has been aching") == "clinical_message"
    assert combine("play jazz, I can't catch my breath", sure, 0.5, 0.9,
                   off_topic_threshold=0.8).red_flag  # fmt: skip
    assert decide("pon música, me duele el estómago") == "clinical_message"
    assert decide("I need to reschedule my appointment") == "scheduling"
    assert decide("no chest pain, just play some jazz") != "other"  # a negated red-flag word
    # Below the gate's threshold, a message the rules find nothing clinical or of a practice in
    # reaches clinicians only on a strong clinical output from the model (QUIET_CLINICAL).
    from closeloop.lib.classify import QUIET_CLINICAL

    unsure = Prediction(categories=sure.categories, clinical=0.6, red_flag=0.0, off_topic=0.6)
    assert combine("play some jazz", unsure, 0.5, 0.9, off_topic_threshold=0.8).category == "other"
    strong = Prediction(categories=sure.categories, clinical=QUIET_CLINICAL + 0.05, red_flag=0.0,
                        off_topic=0.6)  # fmt: skip
    assert combine("play some jazz", strong, 0.5, 0.9, off_topic_threshold=0.8).category == (
        "clinical_message"
    )


def test_the_shipped_model_has_the_off_topic_gate() -> None:
    model = TextModel.load(MODEL_PATH)
    assert 0.5 <= model.off_topic_threshold < 1.0
    assert model.predict("set a timer for ten minutes").off_topic > model.off_topic_threshold


def test_clinc150_is_read_from_its_train_and_validation_splits_only(tmp_path) -> None:
    from closeloop.triage.train import load_clinc

    data = {
        "train": [["turn on the porch light", "smart_home"], ["is my policy active", "insurance"]],
        "val": [["what's the weather", "weather"]],
        "test": [["a test sentence", "weather"]],
        "oos_train": [["an out-of-scope train sentence", "oos"]],
        "oos_val": [],
        "oos_test": [["an out-of-scope test sentence", "oos"]],
    }
    path = tmp_path / "data_full.json"
    path.write_text(json.dumps(data))
    rows = load_clinc(path)
    assert {r["text"] for r in rows} == {"turn on the porch light", "what's the weather"}
    assert all(r["offtopic"] and r["category"] == "other" for r in rows)
    assert load_clinc(None) == [] and load_clinc(tmp_path / "missing.json") == []


def test_the_held_out_split_keeps_each_sentence_and_intent_whole() -> None:
    from closeloop.triage.train import held_out, load, load_all

    rows = load_all()
    by_group: dict[str, set[bool]] = {}
    for row in rows:
        if row.get("group"):
            by_group.setdefault(row["group"], set()).add(held_out(row))
    assert all(len(sides) == 1 for sides in by_group.values())
    share = sum(held_out(r) for r in rows) / len(rows)
    assert 0.1 < share < 0.3
    assert not any(held_out(r) for r in load())


# --- issue 34, second pass: the gate's rules, apart from the learned weights -----------------

#: The model deliberately unsure (clinical just above its threshold, no off-topic opinion), so
#: only the rules decide: spam, vendors, wrong numbers and job applicants say what they are.
_UNSURE = Prediction(categories=[("clinical_message", 0.6), ("other", 0.4)], clinical=0.7,
                     red_flag=0.6, off_topic=0.1)  # fmt: skip


def _decide(text: str) -> Any:
    from closeloop.lib.classify import combine

    return combine(text, _UNSURE, 0.5, 0.5, off_topic_threshold=0.8)


@pytest.mark.parametrize(
    "text",
    [
        "Congrats, you won a free cruise! Click here to claim your prize",
        "our agency does marketing services for dental offices, 15 min call?",
        "we sell exam gloves and masks to clinics at wholesale prices",
        "is the front desk job still open? attached is my resume",
        "wrong number sorry, looking for Tony's pizza",
        "felicidades, usted ganó una pantalla, responda SI",
        "le ofrecemos software para consultorios con 30 días gratis",
        "¿están contratando? busco trabajo de asistente médica",
        "disculpe, número equivocado",
        "dejen de mandar mensajes a este número",
    ],
)
def test_a_message_that_says_it_is_for_no_practice_goes_to_the_front_desk(text: str) -> None:
    suggestion = _decide(text)
    assert suggestion.category == "other" and not suggestion.red_flag, (text, suggestion.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "wrong number sorry, but my daughter has had a fever since Monday",
        "we sell gloves, and by the way my knee still hurts",
        "número equivocado, pero me duele mucho el oído",
        "busco trabajo, y también necesito una receta para mi presión",
    ],
)
def test_a_message_for_no_practice_with_a_symptom_stays_with_clinical_staff(text: str) -> None:
    assert _decide(text).category == "clinical_message", text


def test_receta_of_a_dish_is_a_recipe_and_of_a_medicine_a_prescription() -> None:
    from closeloop.lib.classify import classify_rules

    assert classify_rules("me pasa la receta de las galletas de avena").category == "other"
    assert classify_rules("¿tienen una receta fácil para la cena?").category == "other"
    assert classify_rules("necesito la receta de mi losartán").category == "clinical_message"
    assert classify_rules("se me acabó la receta del inhalador").category == "clinical_message"


def test_the_models_alarm_needs_some_clinical_or_practice_word() -> None:
    """A learned red flag on a message the rules find nothing clinical in is no emergency
    ("my laptop won't turn on"); with a symptom word it stands."""
    assert not _decide("my laptop won't turn on since this morning").red_flag
    assert _decide("my leg feels strange since this morning").red_flag


def test_symptom_words_reach_clinical_staff_whatever_category_the_model_guesses() -> None:
    from closeloop.lib.classify import combine

    billing = Prediction(categories=[("billing", 0.8), ("other", 0.2)], clinical=0.1,
                         red_flag=0.0, off_topic=0.2)  # fmt: skip

    def decide(text: str) -> str:
        return combine(text, billing, 0.5, 0.9, off_topic_threshold=0.8).category

    assert decide("how can I tell if this scrape is infected") == "clinical_message"
    assert decide("tengo una astilla en el dedo") == "clinical_message"
    # a decisive billing rule keeps a bill about a test a bill
    assert decide("I got a bill for my flu shot, why was I charged twice") == "billing"


def test_cross_validation_folds_keep_every_variant_of_a_sentence_together() -> None:
    from closeloop.triage.train import folds, group_key, load

    rows = load()
    fold_of: dict[str, set[int]] = {}
    for number, members in enumerate(folds(rows)):
        for i in members:
            fold_of.setdefault(group_key(rows[i]), set()).add(number)
    assert all(len(found) == 1 for found in fold_of.values())
    assert sum(len(members) for members in folds(rows)) == len(rows)


#: Negated, family-history and first-aid questions (our own wording, issue 34 third pass):
#: clinical questions for clinical staff, but no emergency now.
CLINICAL_QUESTIONS_NOT_URGENT = [
    "my aunt had ovarian cancer, should I be tested for anything",
    "do seizures run in families? my cousin has them",
    "what's the first aid if someone swallows a magnet",
    "I lost my voice after the concert, four days now",
    "my nosebleed this morning stopped on its own, should I worry",
    "mi tía tuvo cáncer de ovario, me debo hacer algún estudio",
    "mi primo tiene epilepsia, ¿eso es hereditario?",
    "qué hago si mi hijo se traga un imán",
    "ando ronca desde el lunes",
    "me sangró la nariz un ratito pero ya paró",
]


@pytest.mark.parametrize("text", CLINICAL_QUESTIONS_NOT_URGENT)
def test_negated_and_family_history_questions_reach_clinicians_unflagged(text: str) -> None:
    suggestion = classify(text)
    assert suggestion.category == "clinical_message", (text, suggestion.reasons)
    assert not suggestion.red_flag, (text, suggestion.reasons)


def test_the_held_out_split_of_record_covers_every_kind_in_both_languages() -> None:
    from closeloop.triage.train import DEV_FILES, HELD_OUT_FILE, load_all, load_held_out

    rows = load_held_out()
    kinds = {(r["kind"], r["language"]) for r in rows}
    for kind in ("red_flag", "symptom", "negated_history", "offtopic", "practice_admin",
                 "offtopic_with_symptom"):  # fmt: skip
        assert {(kind, "en"), (kind, "es")} <= kinds
    groups = {r["group"] for r in rows if r["red_flag"]}
    assert {"chest", "breath", "bleeding"} <= groups
    assert {"chest", "breath", "bleeding", "blood_up", "swallow", "overdose"} <= groups
    trained = {r["text"].lower() for r in load_all()}
    assert not any(r["text"].lower() in trained for r in rows)
    # the earlier held-out splits, each measured once and since read for tuning, share no text
    assert HELD_OUT_FILE not in DEV_FILES
    dev = {r["text"].lower() for path in DEV_FILES for r in load_held_out(path)}
    assert not any(r["text"].lower() in dev for r in rows)


def test_a_model_sure_of_an_emergency_stands_over_the_rules_reading_of_no_or_never() -> None:
    """The rules read "no" and "never" as a denial or a past ("no siento que el bebé se mueva",
    "he never had one before, it's been 3 minutes"); the model's alarm is silenced by that
    reading only below its sure threshold, chosen by grouped cross-validation."""
    from closeloop.lib.classify import combine, read_red_flags
    from closeloop.lib.textmodel import Prediction

    denied = "no chest pain at all, he is fine"
    assert read_red_flags(denied)[1], "the rules must read the urgent words as denied"
    alarm = Prediction(categories=[("clinical_message", 0.9)], clinical=0.95, red_flag=0.97)
    weak = Prediction(categories=[("clinical_message", 0.9)], clinical=0.95, red_flag=0.8)
    assert not combine(denied, alarm, 0.5, 0.7).red_flag  # no sure threshold: the rules decide
    assert combine(denied, alarm, 0.5, 0.7, sure_threshold=0.9).red_flag
    assert not combine(denied, weak, 0.5, 0.7, sure_threshold=0.9).red_flag


def test_the_sure_threshold_is_saved_with_the_model(tmp_path: Path) -> None:
    from closeloop.lib.textmodel import TextModel

    model = TextModel(np.zeros((4, 4)), np.zeros(4), ["other"], 0.5, 0.7, 0.6, sure_threshold=0.9)
    model.save(tmp_path / "m.npz")
    assert TextModel.load(tmp_path / "m.npz").sure_threshold == 0.9


def test_the_sure_threshold_is_the_one_that_catches_most_for_a_sliver_of_false_flags() -> None:
    """Out of fold, on the written rows: the threshold that recovers the most emergencies the
    rules' context reading silenced, adding at most ``SURE_ADDED_FALSE`` false red flags; ties
    go to the higher (surer) threshold; none that helps: never (above 1)."""
    from closeloop.lib.textmodel import Prediction
    from closeloop.triage.train import SURE_ADDED_FALSE, _sure_over_context

    def row(text: str, red_flag: bool) -> dict[str, Any]:
        return {"text": text, "red_flag": red_flag, "clinical": True, "writer": "w",
                "category": "clinical_message", "offtopic": False}  # fmt: skip

    def p(score: float) -> Prediction:
        return Prediction(categories=[("clinical_message", 0.9)], clinical=0.95, red_flag=score)

    # the rules read every one of these as denied; the first is labelled an emergency
    urgent = row("no chest pain at all, he is fine (a)", True)
    denied = [row(f"no chest pain at all, he is fine ({i})", False) for i in range(400)]
    rows, oof = [urgent, *denied], [p(0.905), *[p(0.1)] * 400]
    assert _sure_over_context(rows, oof, 0.5, 0.7, 1.0) == 0.9
    # three negatives as sure as the emergency: recovering it would add 0.75% false flags
    assert 3 / len(denied) > SURE_ADDED_FALSE
    oof_noisy = [p(0.905), p(0.95), p(0.94), p(0.93), *[p(0.1)] * 397]
    assert _sure_over_context(rows, oof_noisy, 0.5, 0.7, 1.0) > 1
