"""Measure the classifier on the labelled set: ``python -m closeloop.triage.evaluate``.

Prints per-category precision and recall, overall accuracy, language accuracy, and red-flag
recall and false-positive rate. Exit status 1 when below the targets (red-flag recall 100%,
category accuracy >= 90%).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from closeloop.lib.classify import CATEGORIES, classify

EVAL_SET = Path(__file__).resolve().parent / "data" / "eval.jsonl"


@dataclass
class Report:
    rows: int
    accuracy: float
    language_accuracy: float
    red_flag_recall: float
    red_flag_false_positive_rate: float
    per_category: dict[str, tuple[float, float, int]]
    mistakes: list[tuple[str, str, str]]


def evaluate(path: Path = EVAL_SET) -> Report:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    true_pos: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    correct = language_ok = flag_tp = flag_fn = flag_fp = flag_tn = 0
    mistakes = []
    for row in rows:
        row.setdefault("category", row.get("label"))
        row.setdefault("red_flag", False)
        row.setdefault("language", "en")
        result = classify(row["text"])
        actual[row["category"]] += 1
        predicted[result.category] += 1
        if result.category == row["category"]:
            correct += 1
            true_pos[row["category"]] += 1
        else:
            mistakes.append((row["category"], result.category, row["text"]))
        language_ok += result.language == row["language"]
        if row["red_flag"]:
            flag_tp += result.red_flag
            flag_fn += not result.red_flag
        else:
            flag_fp += result.red_flag
            flag_tn += not result.red_flag
    per_category = {
        c: (
            true_pos[c] / predicted[c] if predicted[c] else 0.0,
            true_pos[c] / actual[c] if actual[c] else 0.0,
            actual[c],
        )
        for c in CATEGORIES
    }
    return Report(
        rows=len(rows),
        accuracy=correct / len(rows),
        language_accuracy=language_ok / len(rows),
        red_flag_recall=flag_tp / (flag_tp + flag_fn) if flag_tp + flag_fn else 1.0,
        red_flag_false_positive_rate=flag_fp / (flag_fp + flag_tn) if flag_fp + flag_tn else 0.0,
        per_category=per_category,
        mistakes=mistakes,
    )


def main() -> int:
    """Usage: python -m closeloop.triage.evaluate [-v] [FILE.jsonl]  (default: the shipped set;
    other files may label with "label" instead of "category", like ../shared/data/triage-dev)."""
    files = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    report = evaluate(Path(files[0]) if files else EVAL_SET)
    print(f"{'category':<26}{'precision':>10}{'recall':>10}{'n':>6}")
    for category, (precision, recall, n) in report.per_category.items():
        print(f"{category:<26}{precision:>10.1%}{recall:>10.1%}{n:>6}")
    print(
        f"\n{report.rows} messages · category accuracy {report.accuracy:.1%} · "
        f"language accuracy {report.language_accuracy:.1%}"
    )
    print(
        f"red flags: recall {report.red_flag_recall:.1%} · "
        f"false-positive rate {report.red_flag_false_positive_rate:.1%}"
    )
    if "-v" in sys.argv:
        for expected, got, text in report.mistakes:
            print(f"  {expected} -> {got}: {text}")
    return 0 if report.red_flag_recall == 1.0 and report.accuracy >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
