"""The learned triage model: trains reproducibly on a slice (behaviour, not accuracy), ships
as a small file loaded once, and joins the rules so that symptoms never land in "other"."""

from __future__ import annotations

import json
import time

import pytest

from closeloop.lib import textmodel
from closeloop.lib.classify import CATEGORIES, classify
from closeloop.lib.textmodel import MODEL_PATH, TextModel, features

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
