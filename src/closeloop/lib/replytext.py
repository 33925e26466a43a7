"""What a patient wrote in an email reply, above the message they answer: read like a text.

Mail programs put the patient's words first, then the message quoted ("On … wrote:", "El …
escribió:", "> …", "-----Original Message-----", a "From:" block, "Sent from my phone"). The
answer is the first line written when what follows it is at most a sign-off (two lines of three
words or fewer: "Thanks, Ana Lopez"); otherwise the whole reply, which a one-word answer is then
not — "Yes\nbut I may be a few minutes late" is a contact staff read, not a bare confirmation."""

from __future__ import annotations

import re

QUOTED = re.compile(
    r"^\s*(>"
    r"|on\s.+\swrote:|el\s.+\sescribi[oó]:|le\s.+\sa\s[ée]crit\s?:"
    r"|-{2,}\s*(original|mensaje)|_{5,}"
    r"|(from|de|sent|enviado|envoy[ée]|date|fecha|to|para):\s"
    r"|sent from my\s|enviado desde mi\s)",
    re.IGNORECASE,
)
SIGN_OFF_LINES, SIGN_OFF_WORDS = 2, 3


def written_above_quote(text: str) -> list[str]:
    lines = []
    for line in (text or "").splitlines():
        if QUOTED.match(line):
            break
        if line.strip():
            lines.append(line.strip())
    return lines


def reply_words(text: str) -> str:
    lines = written_above_quote(text)
    if not lines:
        return ""
    rest = lines[1:]
    if len(rest) <= SIGN_OFF_LINES and all(
        len(line.split()) <= SIGN_OFF_WORDS and "?" not in line for line in rest
    ):
        return lines[0]
    return "\n".join(lines)
