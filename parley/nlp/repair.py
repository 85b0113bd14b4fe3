"""Text repair before parsing: mojibake ("the ministerâ€™s") decoded back to what was written.

Scraped news is often UTF-8 read as Windows-1252 and written again; names spoilt that way
("ErdoÄŸan") are found by no table. ftfy undoes it. Only text that shows mojibake is touched,
and only its encoding: quotes, dashes, widths and line breaks stay as written.
"""

from __future__ import annotations

import ftfy
from ftfy.badness import is_bad

ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def repaired(text: str) -> str:
    """The text with its mojibake decoded; the same string where it shows none."""
    return ftfy.fix_text(text, ENCODING_ONLY) if is_bad(text) else text
