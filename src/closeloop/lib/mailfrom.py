"""Reading the headers of an email someone else wrote, without trusting them (pure functions).

The standard library's address parsers recurse on nested comments and its header parser on
nested structure, so a hostile ``From`` header could exhaust the stack; and a name or address
with control or invisible characters (a right-to-left override, a zero-width space) reads as
one thing and is another. ``sender`` reads the raw header under plain limits — one line's
length (RFC 5322: 998), no control or invisible character, comments removed without
recursion, one mailbox, an address that fits the column (RFC 5321: 254, local part 64) — and
says which limit a refused header broke.

The other headers are read raw too: ``message_id`` is a provider's retry key only when it looks
like one (a garbled one counts as none, so two emails never collapse into one), ``text``
decodes a Subject without the structured parser, and ``comment_depth`` measures nesting with
a counter so a part's ``Content-Type`` or ``Content-Disposition`` can be refused by name before
the parser recurses on it.
"""

from __future__ import annotations

import re
import unicodedata
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses

from closeloop.lib.textnorm import INVISIBLE_CATEGORIES

MAX_HEADER = 998
MAX_ADDRESS = 254
MAX_LOCAL = 64
MAX_NAME = 200
#: Refused anywhere in a sender: the characters no one can see.
REFUSED_CATEGORIES = INVISIBLE_CATEGORIES
_COMMENT = re.compile(r"\([^()]*\)")
_FOLD = re.compile(r"\r?\n[ \t]")
#: One ``<left@right>`` with nothing a parser could trip on (RFC 5322 msg-id, simplified).
_MESSAGE_ID = re.compile(r"<[^<>()\s@\\\"]+@[^<>()\s@\\\"\[\]]+>")
MAX_MESSAGE_ID = 255
#: Comments within comments in a structured header: real mail has none or one.
MAX_COMMENT_DEPTH = 10


class BadSender(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _utf8(raw: str) -> str:
    """Raw 8-bit header bytes come from the parser as surrogate escapes: read them as UTF-8."""
    try:
        return raw.encode("ascii", "surrogateescape").decode("utf-8")
    except UnicodeError as exc:
        raise BadSender("The From header is not valid UTF-8.") from exc


def _visible(text: str, what: str) -> None:
    for char in text:
        if char != "\t" and unicodedata.category(char) in REFUSED_CATEGORIES:
            raise BadSender(
                f"The From {what} contains a control or invisible character (U+{ord(char):04X})."
            )


def _without_comments(text: str) -> str:
    """Comments removed from the innermost out, in a loop (no recursion however deep)."""
    while True:
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    if "(" in text or ")" in text:
        raise BadSender("The From header has an unbalanced parenthesis.")
    return text


def _decoded(raw: str) -> str:
    """Encoded words (``=?utf-8?q?...?=``) decoded; the text as it came when they are broken."""
    try:
        return str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return raw


def _decoded_name(name: str) -> str:
    decoded = _decoded(name)
    _visible(decoded, "name")
    return decoded.strip()[:MAX_NAME]


def _check_address(address: str) -> None:
    if len(address) > MAX_ADDRESS:
        raise BadSender(f"The From address is longer than {MAX_ADDRESS} characters.")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or "@" in local:
        raise BadSender("The From header has no usable address (name@domain).")
    if len(local) > MAX_LOCAL:
        raise BadSender(f"The From address's name part is longer than {MAX_LOCAL} characters.")
    if any(char.isspace() or char in '<>,;:"\\' for char in domain) or any(
        char.isspace() or char in "<>" for char in local
    ):
        raise BadSender("The From address contains a space or a character addresses cannot.")


def sender(raw_values: list[str]) -> tuple[str, str]:
    """The display name and address of an email's ``From``, from the raw header values (one
    per ``From`` line); ``BadSender`` says why it is not usable."""
    if not raw_values:
        raise BadSender("The message has no From header.")
    if len(raw_values) > 1:
        raise BadSender("The message has more than one From header.")
    raw = _utf8(_FOLD.sub(" ", raw_values[0])).strip()
    if len(raw) > MAX_HEADER:
        raise BadSender(f"The From header is longer than {MAX_HEADER} characters.")
    _visible(raw, "header")
    mailboxes = [(n, a) for n, a in getaddresses([_without_comments(raw)]) if n or a]
    if len(mailboxes) != 1:
        raise BadSender("The From header must name exactly one sender.")
    name, address = mailboxes[0]
    _check_address(address)
    return _decoded_name(name), address


def _unfolded(raw: str) -> str:
    return _FOLD.sub(" ", raw).encode("ascii", "surrogateescape").decode("utf-8", "replace")


def text(raw_values: list[str]) -> str:
    """The first value of an unstructured header (a Subject), unfolded and decoded."""
    return _decoded(_unfolded(raw_values[0])).strip() if raw_values else ""


def message_id(raw_values: list[str]) -> str | None:
    """The ``Message-ID``, or ``None`` when there is not exactly one that looks like one."""
    if len(raw_values) != 1:
        return None
    value = _unfolded(raw_values[0]).strip()
    if len(value) > MAX_MESSAGE_ID or not _MESSAGE_ID.fullmatch(value):
        return None
    return value


def comment_depth(raw: str) -> int:
    """How deep parentheses nest in a raw header value, counted (no recursion)."""
    depth = deepest = 0
    for char in raw:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
    return deepest
