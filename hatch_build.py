"""Build hook: compile the gettext catalogs (``src/closeloop/locale/*/LC_MESSAGES/*.po``) into
the ``.mo`` files Django reads, with Babel (pure Python; no GNU gettext on the machine).

Runs on every build, including the editable install ``uv sync`` makes, so a clean clone's
``uv run closeloop demo`` and ``uv run pytest`` find them; ``tool.uv.cache-keys`` in
``pyproject.toml`` makes ``uv run`` rebuild when a ``.po`` changes. The ``.mo`` files are not
committed (binary files merge badly); wheels carry them as build artifacts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(Path(self.root) / "src"))
        try:
            from closeloop.lib.catalogs import compile_tree
        finally:
            sys.path.pop(0)
        compile_tree(Path(self.root) / "src" / "closeloop" / "locale")
        build_data["artifacts"].append("src/closeloop/locale/**/*.mo")
