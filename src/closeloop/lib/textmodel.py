"""The learned triage model at run time: hashed word and character n-grams, a linear layer,
no network and no machine-learning library (numpy only). Pure Python otherwise.

Features: the normalised text's words and word pairs, and character 2–4-grams inside each
word (with its boundaries), each hashed (CRC-32) into ``DIMENSIONS`` buckets; a message is the
L2-normalised bag of its buckets. Character n-grams make misspellings and speech-to-text slips
("reschedual", "vidio") land near the right word. Training (``closeloop train-triage``, with
scikit-learn) writes the weights; this module only reads them, once per process.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from closeloop.lib.textnorm import normalize

DIMENSIONS = 2**16
CHAR_SIZES = (2, 3, 4)
MODEL_PATH = Path(__file__).resolve().parent.parent / "triage" / "data" / "model.npz"


def _bucket(token: str) -> int:
    return zlib.crc32(token.encode()) & (DIMENSIONS - 1)


@lru_cache(maxsize=50000)
def _word_buckets(word: str) -> tuple[int, ...]:
    """A word's own bucket and its character n-grams' (words repeat: computed once)."""
    padded = f"<{word}>"
    grams = [
        padded[start : start + size]
        for size in CHAR_SIZES
        for start in range(len(padded) - size + 1)
    ]
    return (_bucket("w:" + word), *(_bucket("c:" + gram) for gram in grams))


def _buckets(words: list[str]) -> list[int]:
    """Each word's buckets (its own, its character n-grams'), then the bucket of the word pair
    it ends, word by word: the order the weights are summed in (kept, so the sums are too)."""
    buckets: list[int] = []
    previous = None
    for word in words:
        buckets += _word_buckets(word)
        if previous is not None:
            buckets.append(_bucket(f"b:{previous} {word}"))
        previous = word
    return buckets


def _bag(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The message as (buckets, weights): each bucket once, in order of first occurrence, with
    its count L2-normalised (float64)."""
    counts = Counter(_buckets(normalize(text).split()))
    index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    count = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    # whole counts: their sum of squares is exact, whatever the order
    norm = math.sqrt(count @ count) or 1.0
    return index, count / norm


def features(text: str) -> dict[int, float]:
    """The message as {bucket: weight}, L2-normalised (``_bag`` as a dict)."""
    index, weight = _bag(text)
    return dict(zip(index.tolist(), weight.tolist(), strict=True))


@dataclass(frozen=True)
class Prediction:
    #: Category codes and their probabilities, most likely first.
    categories: list[tuple[str, float]]
    #: Probability that the message mentions a symptom, a medication or a clinical question.
    clinical: float
    #: Probability that the message describes urgent symptoms.
    red_flag: float
    #: Probability that the message is for no medical practice at all (smart-home commands,
    #: shopping, trivia, spam, vendors, wrong numbers): the gate in front of clinical staff.
    off_topic: float = 0.0

    @property
    def category(self) -> str:
        return self.categories[0][0]


#: A threshold no probability reaches: the output it guards never decides.
NEVER = 1.01


class TextModel:
    """Weights (buckets × outputs): the category softmax, then the clinical, red-flag and
    off-topic logistic outputs; with their thresholds, chosen by cross-validation (clinical and
    red flag for recall, off-topic for precision)."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        labels: list[str],
        clinical_threshold: float,
        red_flag_threshold: float,
        off_topic_threshold: float = 1.0,
        sure_threshold: float = NEVER,
    ) -> None:
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.labels = labels
        self.clinical_threshold = clinical_threshold
        self.red_flag_threshold = red_flag_threshold
        #: Above it (and with no clinical signal) a message is for no practice: "other".
        #: 1.0 (a model without the off-topic output): never.
        self.off_topic_threshold = off_topic_threshold
        #: At or above it, the red-flag output stands even where the rules read the urgent
        #: words as negated, past or asked about (``NEVER``: a model without it).
        self.sure_threshold = sure_threshold

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TextModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["weights"],
                data["bias"],
                [str(label) for label in data["labels"]],
                float(data["clinical_threshold"]),
                float(data["red_flag_threshold"]),
                float(data["off_topic_threshold"]) if "off_topic_threshold" in data else 1.0,
                float(data["sure_threshold"]) if "sure_threshold" in data else NEVER,
            )

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            bias=self.bias,
            labels=np.array(self.labels),
            clinical_threshold=np.array(self.clinical_threshold),
            red_flag_threshold=np.array(self.red_flag_threshold),
            off_topic_threshold=np.array(self.off_topic_threshold),
            sure_threshold=np.array(self.sure_threshold),
        )

    def scores(self, text: str) -> np.ndarray:
        index, weight = _bag(text)
        if not len(index):
            return self.bias.copy()
        return weight.astype(np.float32) @ self.weights[index] + self.bias

    def predict(self, text: str) -> Prediction:
        raw = self.scores(text)
        n = len(self.labels)
        logits = raw[:n] - raw[:n].max()
        probs = np.exp(logits)
        probs /= probs.sum()
        order = np.argsort(-probs)
        return Prediction(
            categories=[(self.labels[i], float(probs[i])) for i in order],
            clinical=float(1 / (1 + math.exp(-raw[n]))),
            red_flag=float(1 / (1 + math.exp(-raw[n + 1]))),
            off_topic=float(1 / (1 + math.exp(-raw[n + 2]))) if len(raw) > n + 2 else 0.0,
        )


@lru_cache(maxsize=1)
def default_model() -> TextModel | None:
    """The shipped model, loaded once per process (None when the file is missing)."""
    if not MODEL_PATH.exists():
        return None
    return TextModel.load(MODEL_PATH)
