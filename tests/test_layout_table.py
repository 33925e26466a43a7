"""The README's code layout table lists every module, and the layers contract holds every
top-level module: a newcomer finds each module where the table says, and nothing at the top of
the package escapes import-linter."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "closeloop"
README = ROOT / "README.md"
TOP = "closeloop"


def layout_rows() -> dict[str, str]:
    """Each package's row text of the README's code layout table (the top-level modules' rows
    joined under ``closeloop``)."""
    text = README.read_text()
    start = text.index("### Code layout")
    rows: dict[str, str] = {}
    for line in text[start:].splitlines():
        if not line.startswith("| ") or line.startswith("| layer") or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        package = re.match(r"`([^`]+)`", cells[1])
        assert package, f"no package in row: {line[:80]}"
        rows[package.group(1)] = rows.get(package.group(1), "") + line
    return rows


def listed_name(path: Path) -> tuple[str, str]:
    """(package, name as the table writes it): its path in its package without ``.py``,
    management commands as ``commands/<name>``."""
    parts = path.relative_to(SRC).with_suffix("").parts
    if len(parts) == 1:
        return TOP, parts[0]
    name = "/".join(parts[1:]).replace("management/commands/", "commands/")
    return parts[0], name


def modules() -> list[Path]:
    """Every module, but migrations, package ``__init__`` files and each app's ``apps.py``."""
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "__init__.py"
        and not (path.name == "apps.py" and path.parent.parent == SRC)
    )


def test_every_module_appears_in_the_code_layout_table() -> None:
    rows = layout_rows()
    missing = []
    for path in modules():
        package, name = listed_name(path)
        if f"`{name}`" not in rows.get(package, ""):
            missing.append(f"{package}: {name}")
    assert not missing, "README's code layout table lacks: " + ", ".join(missing)


def test_the_table_names_no_module_that_does_not_exist() -> None:
    rows = layout_rows()
    packages = {listed_name(path)[0] for path in modules()}
    assert set(rows) == packages


def test_every_top_level_module_and_package_is_inside_the_layers_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    top_level = {
        f"closeloop.{path.stem}" for path in SRC.glob("*.py") if path.name != "__init__.py"
    }
    packages = {f"closeloop.{path.parent.name}" for path in SRC.glob("*/__init__.py")}
    assert top_level <= named, sorted(top_level - named)
    assert packages <= named, sorted(packages - named)


def test_a_newcomer_is_pointed_at_the_three_places_the_issue_names() -> None:
    rows = layout_rows()
    assert "red_flag_due" in rows["support_queue"]
    assert "first-response deadline" in rows["support_queue"]
    assert "front-desk user" in rows["actions"] and "clinical item" in rows["actions"]
    assert "Spanish" in rows["messaging"] and "`render`" in rows["messaging"]
