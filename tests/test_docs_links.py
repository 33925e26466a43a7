"""The README is the front door and the manual is in docs/: every relative link and image of
them leads somewhere (a file that exists; a ``#section`` that is a heading of that page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    words = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", words).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text()
    return {slug(m[1]) for m in re.finditer(r"^#+\s+(.*)$", text, re.M)} | set(
        re.findall(r'<a (?:name|id)="([^"]+)"', text)
    )


def links(page: Path) -> list[str]:
    prose = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return [m[1] for m in LINK.finditer(prose) if not re.match(r"[a-z]+:", m[1])]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_exists(page: Path) -> None:
    broken = []
    for link in links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path) if path else page
        if not target.exists() or (
            anchor and target.suffix == ".md" and anchor not in anchors(target)
        ):
            broken.append(link)
    assert broken == []


def test_the_check_reads_links_images_and_anchors() -> None:
    readme = links(ROOT / "README.md")
    assert "docs/screenshots/queue.png" in readme and "docs/workspace.md#the-demo" in readme
    assert "the-demo" in anchors(ROOT / "docs" / "workspace.md")
