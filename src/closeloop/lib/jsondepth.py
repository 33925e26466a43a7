"""How deep a parsed JSON value nests, measured without recursion. Pure, no Django.

Code that walks JSON recursively (pydantic models of FHIR resources, our own readers) runs out
of Python's stack on absurd nesting and raises ``RecursionError`` part-way through its work.
Every reader of outside JSON measures first and refuses what is deeper than its limit.
"""

from __future__ import annotations

from typing import Any


class TooDeep(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"nested more than {limit} levels deep")
        self.limit = limit


def exceeds(value: Any, limit: int) -> bool:
    """True when objects and arrays nest more than ``limit`` deep (``{}`` and ``[]`` are 1)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def check(value: Any, limit: int) -> Any:
    """``value`` itself, or ``TooDeep``."""
    if exceeds(value, limit):
        raise TooDeep(limit)
    return value
