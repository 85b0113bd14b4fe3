"""Text from documents made safe for a terminal: control characters, escape sequences and
direction overrides shown as visible symbols instead of obeyed (a stored article could set
the window title, write the clipboard or clear the screen). JSON and CSV output stay exact."""

from __future__ import annotations

import re

# C0 and DEL, C1, and the bidirectional overrides and isolates that reorder what is shown
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    return "\u2421" if code == 0x7F else "\ufffd"


def printable(text: str, keep: str = "") -> str:
    """`text` with every control character not in `keep` (say "\\n") replaced by a visible symbol."""
    if keep:
        return keep[0].join(printable(part, keep[1:]) for part in text.split(keep[0]))
    return UNSAFE.sub(_symbol, text)
