"""Placeholders in text staff write (message templates, scripts): ``{first_name}``, nothing
more. Pure, no Django.

``str.format`` also reads ``{first_name!r}``, ``{first_name:d}`` (an error every time it is
filled in), ``{first_name:>999999999}`` (a gigabyte of spaces), ``{first_name.__class__}``
and ``{0}``. Text that uses them is refused when it is saved; a preview of text still being
typed fills in the plain placeholders and leaves the rest as typed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping


class PlaceholderError(ValueError):
    """Text whose braces are not plain ``{name}`` placeholders; the message says which."""


def _as_typed(name: str, spec: str | None, conversion: str | None) -> str:
    return (
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    )


def names(text: str) -> set[str]:
    """The placeholder names in ``text``, or ``PlaceholderError``."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PlaceholderError(f"malformed placeholder: {exc}") from None
    found: set[str] = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            shown = _as_typed(name, spec, conversion)[:40]
            raise PlaceholderError(f"write a placeholder as {{name}}, not {shown}")
        found.add(name)
    return found


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each plain ``{name}`` found in ``values`` filled in and anything else
    left as typed. For previews of text still being typed: it never raises."""
    try:
        names(text)
    except PlaceholderError:
        # Best effort around the mistake: the plain placeholders, nothing else touched.
        return _PLAIN.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return text.format_map(_Kept(values))


_PLAIN = re.compile(r"\{([A-Za-z_]\w*)\}")


class _Kept(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
