"""``closeloop train-triage [--slice N]``: cross-validate and fit the learned triage model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.lib.textmodel import MODEL_PATH


class Command(BaseCommand):
    help = "Train the triage model on the shipped data (cross-validated thresholds)."
    requires_system_checks: list[str] = []  # a development tool: no deployment settings needed

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slice", type=int, help="train on this many rows only (a check)")
        parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where the model goes")
        parser.add_argument(
            "--clinc",
            type=Path,
            help="CLINC150's data_full.json (train and validation rows are read; default "
            "$CLOSELOOP_CLINC150)",
        )
        parser.add_argument(
            "--held-out",
            action="store_true",
            help="do not train: measure the model at --out on our held-out split (once, when "
            "the model is final) and write heldout6.json beside it",
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="do not train: measure the model at --out on the dev split (our first held-out "
            "split, now read for tuning) and write dev_split.json, with its misses, beside it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from closeloop.triage.train import evaluate_dev, evaluate_held_out, train
        except ImportError as exc:  # scikit-learn and scipy are dev dependencies
            raise CommandError(f"Training needs the dev dependencies (uv sync): {exc}") from None
        if options["held_out"] or options["dev"]:
            held = (
                evaluate_held_out(options["out"])
                if options["held_out"]
                else evaluate_dev(options["out"], options["clinc"])
            )
            overall = held["safety"]["all"]
            self.stdout.write(
                ("held-out" if options["held_out"] else "dev")
                + f" split: {held['rows']} messages; "
                + "; ".join(
                    f"{name} {cell['share']:.1%} of {cell['n']}"
                    for name, cell in overall.items()
                    if cell["share"] is not None
                )
            )
            return
        figures = train(limit=options["slice"], out=options["out"], clinc=options["clinc"])
        self.stdout.write(
            f"trained on {figures['rows']} messages -> {options['out']}\n"
            f"cross-validated: accuracy {figures['accuracy_micro']:.1%} micro, "
            f"{figures['accuracy_macro_over_sources']:.1%} macro over sources; "
            f"red-flag recall {figures['red_flag_recall']:.1%} "
            f"(false red flags {figures['red_flag_false_rate']:.1%}); "
            f"clinical messages to clinical staff {figures['clinical_to_clinical_message']:.1%}; "
            f"for no practice to clinical staff "
            f"{figures['safety']['all']['off_topic_to_clinical']['share'] or 0:.1%}"
        )
