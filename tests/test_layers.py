"""The code's layers hold: no app imports one above it, and nothing hides an import in a
function to dodge a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "closeloop"

#: Imports inside functions that are there on purpose (not to dodge a cycle).
ALLOWED_LOCAL_IMPORTS = {
    # Django's documented place to connect signals: after every app's models are loaded.
    ("core/apps.py", "ready"),
    ("security/apps.py", "ready"),
    ("practices/apps.py", "ready"),
    ("webhooks/apps.py", "ready"),
    ("outreach/apps.py", "ready"),
    # The command line reads the environment before Django is configured.
    ("cli.py", "main"),
    # `closeloop classify` runs without Django's set-up; its command (and the classifier's
    # numpy and regular expressions) is imported only when asked, not by every command.
    ("cli.py", "_run_without_apps"),
    # Loading the WSGI application configures Django; only the serving demo needs it.
    ("demo/management/commands/demo.py", "_serve"),
    ("web/management/commands/serve.py", "handle"),
    # Training needs scikit-learn, a development dependency: loaded only when training.
    ("triage/management/commands/train_triage.py", "handle"),
}


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("import-linter is missing: uv sync installs it with the dev dependencies")
    result = subprocess.run([str(lint)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def local_closeloop_imports() -> list[tuple[str, str, str]]:
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                module = ""
                if isinstance(node, ast.ImportFrom):
                    module = node.module or ""
                elif isinstance(node, ast.Import):
                    module = ",".join(alias.name for alias in node.names)
                if "closeloop" in module:
                    found.append((str(path.relative_to(SRC)), function.name, module))
    return found


def test_no_function_level_import_dodges_a_cycle() -> None:
    unexpected = [
        found for found in local_closeloop_imports() if found[:2] not in ALLOWED_LOCAL_IMPORTS
    ]
    assert unexpected == []
