"""Train the triage model: ``closeloop train-triage`` (needs the dev dependencies).

Reads the training data shipped in ``closeloop/triage/data`` (``own.jsonl``: our messages;
``public.jsonl``: the public customer-support sets, with attribution in the README), fits three
linear heads over the hashed features of ``closeloop.lib.textmodel`` with scikit-learn —
category (multinomial logistic regression, balanced classes), "mentions a symptom, medication
or clinical question", and "urgent symptoms" — and picks the two thresholds by 5-fold
cross-validation for recall. Reproducible: fixed seed, deterministic solvers. Writes
``model.npz`` and ``cv.json`` (the cross-validated figures the README reports).

The held-out corpora of the acceptance evaluation (Figure Eight medical speech, CLINC150 test
and out-of-scope, RasaHQ STAR, TREC LiveQA-Med 2017) are not here and are never read.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from closeloop.lib import classify as rules
from closeloop.lib.redflags import find_red_flags
from closeloop.lib.textmodel import DIMENSIONS, MODEL_PATH, TextModel, features

DATA = Path(__file__).resolve().parent / "data"
SOURCES = ("own.jsonl", "public.jsonl")
SEED = 20261129
FOLDS = 5
#: The recall the thresholds are chosen for (on held-in folds, never on held-out data).
CLINICAL_RECALL = 0.97
RED_FLAG_RECALL = 0.99


def load(limit: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in SOURCES:
        rows += [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]
    if limit is not None:
        rng = random.Random(SEED)
        rng.shuffle(rows)
        rows = rows[:limit]
    return rows


def matrix(texts: Sequence[str]) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for text in texts:
        bag = features(text)
        indices += list(bag.keys())
        values += list(bag.values())
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float32), np.array(indices), np.array(indptr)),
        shape=(len(texts), DIMENSIONS),
    )


def _logistic(c: float, balanced: bool = True) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c, max_iter=2000, class_weight="balanced" if balanced else None, random_state=SEED
    )


@dataclass
class Fitted:
    model: TextModel
    details: dict[str, Any] = field(default_factory=dict)


def fit(rows: Sequence[dict[str, Any]], *, clinical_threshold: float = 0.5,
        red_flag_threshold: float = 0.5) -> TextModel:  # fmt: skip
    """The three heads on ``rows``, packed into one weight matrix."""
    x = matrix([r["text"] for r in rows])
    categories = sorted({r["category"] for r in rows})
    head = _logistic(8.0).fit(x, [r["category"] for r in rows])
    clinical = _logistic(4.0).fit(x, [bool(r["clinical"] or r["red_flag"]) for r in rows])
    flags = [bool(r["red_flag"]) for r in rows]
    red = _logistic(16.0, balanced=False).fit(x, flags) if any(flags) and not all(flags) else None
    order = [list(head.classes_).index(c) for c in categories]
    weights = np.zeros((DIMENSIONS, len(categories) + 2), dtype=np.float32)
    bias = np.zeros(len(categories) + 2, dtype=np.float32)
    weights[:, : len(categories)] = head.coef_[order].T
    bias[: len(categories)] = head.intercept_[order]
    weights[:, len(categories)] = clinical.coef_[0]
    bias[len(categories)] = clinical.intercept_[0]
    if red is not None:
        weights[:, len(categories) + 1] = red.coef_[0]
        bias[len(categories) + 1] = red.intercept_[0]
    else:
        bias[len(categories) + 1] = -20.0
    return TextModel(weights, bias, categories, clinical_threshold, red_flag_threshold)


def folds(rows: Sequence[dict[str, Any]], k: int = FOLDS) -> list[list[int]]:
    """Stratified by category and red flag, deterministic."""
    rng = random.Random(SEED)
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[(row["category"], bool(row["red_flag"]))].append(i)
    out: list[list[int]] = [[] for _ in range(k)]
    for members in groups.values():
        rng.shuffle(members)
        for j, i in enumerate(members):
            out[j % k].append(i)
    return out


def _threshold_for_recall(
    scores: list[float], labels: list[bool], recall: float, low: float, high: float
) -> float:
    """The highest threshold that keeps ``recall`` of the positives, within [low, high]."""
    positives = sorted(s for s, y in zip(scores, labels, strict=True) if y)
    if not positives:
        return high
    cut = positives[max(0, int(len(positives) * (1 - recall)) - 1)]
    return max(min(cut, high), low)


def cross_validate(
    rows: Sequence[dict[str, Any]], classify: Callable[[TextModel, str], Any] | None = None
) -> dict[str, Any]:
    """Out-of-fold predictions: each row predicted by a model that never saw it."""
    oof: list[Any] = [None] * len(rows)
    for held in folds(rows):
        held_set = set(held)
        train = [r for i, r in enumerate(rows) if i not in held_set]
        model = fit(train)
        for i in held:
            oof[i] = model.predict(rows[i]["text"])
    clinical_t = _threshold_for_recall(
        [p.clinical for p in oof], [bool(r["clinical"] or r["red_flag"]) for r in rows],
        CLINICAL_RECALL, 0.3, 0.7,
    )  # fmt: skip
    # The model's red flags add to the rules': its threshold keeps the urgent messages the
    # rules miss (on held-in folds).
    missed = [
        (p.red_flag, True)
        for r, p in zip(rows, oof, strict=True)
        if r["red_flag"] and not find_red_flags(r["text"])
    ]
    red_t = _threshold_for_recall(
        [s for s, _ in missed], [y for _, y in missed], RED_FLAG_RECALL, 0.35, 0.95
    )
    return {"predictions": oof, "clinical_threshold": clinical_t, "red_flag_threshold": red_t}


def report(rows: Sequence[dict[str, Any]], decided: Sequence[Any]) -> dict[str, Any]:
    """Per category precision/recall, accuracy micro and macro over sources, clinical and
    red-flag recall (and false red flags): ``decided`` are the final suggestions."""
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    by_source: dict[str, list[bool]] = defaultdict(list)
    flags = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    clinical_hits = clinical_total = 0
    for row, suggestion in zip(rows, decided, strict=True):
        ok = suggestion.category == row["category"]
        actual[row["category"]] += 1
        predicted[suggestion.category] += 1
        tp[row["category"]] += ok
        by_source[row["source"]].append(ok)
        if row["red_flag"]:
            flags["tp" if suggestion.red_flag else "fn"] += 1
        else:
            flags["fp" if suggestion.red_flag else "tn"] += 1
        if row["clinical"] or row["red_flag"]:
            clinical_total += 1
            clinical_hits += suggestion.category == "clinical_message"
    per_source = {s: sum(v) / len(v) for s, v in sorted(by_source.items())}
    return {
        "rows": len(rows),
        "accuracy_micro": sum(tp.values()) / len(rows),
        "accuracy_macro_over_sources": sum(per_source.values()) / len(per_source),
        "accuracy_by_source": per_source,
        "per_category": {
            c: {
                "precision": tp[c] / predicted[c] if predicted[c] else 0.0,
                "recall": tp[c] / actual[c] if actual[c] else 0.0,
                "n": actual[c],
            }
            for c in sorted(actual)
        },
        "red_flag_recall": flags["tp"] / ((flags["tp"] + flags["fn"]) or 1),
        "red_flag_false_rate": flags["fp"] / ((flags["fp"] + flags["tn"]) or 1),
        "red_flags": flags["tp"] + flags["fn"],
        "clinical_to_clinical_message": clinical_hits / (clinical_total or 1),
    }


def train(limit: int | None = None, out: Path = MODEL_PATH) -> dict[str, Any]:
    """Cross-validate (figures and thresholds), then fit on everything and write the model."""
    rows = load(limit)
    cv = cross_validate(rows)
    decided = [
        rules.combine(row["text"], prediction, cv["clinical_threshold"], cv["red_flag_threshold"])
        for row, prediction in zip(rows, cv["predictions"], strict=True)
    ]
    figures = report(rows, decided)
    figures["rules_only"] = report(rows, [rules.classify_rules(r["text"]) for r in rows])
    figures["red_flag_rules_only_recall"] = sum(
        bool(find_red_flags(r["text"])) for r in rows if r["red_flag"]
    ) / max(1, sum(bool(r["red_flag"]) for r in rows))
    figures["thresholds"] = {
        "clinical": cv["clinical_threshold"],
        "red_flag": cv["red_flag_threshold"],
    }
    model = fit(
        rows,
        clinical_threshold=cv["clinical_threshold"],
        red_flag_threshold=cv["red_flag_threshold"],
    )
    model.save(out)
    (out.parent / ("cv.json" if limit is None else "cv-slice.json")).write_text(
        json.dumps(figures, indent=2, sort_keys=True) + "\n"
    )
    return figures
