"""Text that came from a program or a pack, made safe to print on one line of a terminal.

A resource name, a violation message or an error may hold newlines, carriage returns or ANSI
escapes; printed raw, a program could start a line of its own (a fake `PASSED`), move the cursor or
recolour the verdict. Every human-readable output escapes them, visibly.
"""

from __future__ import annotations

import re
from typing import Final

# C0 and C1 controls (newline, CR, ESC, DEL …), Unicode line/paragraph separators and the
# bidirectional overrides that reorder what a reader sees.
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str) -> str:
    """`text` with every control or line-breaking character escaped (`\\n`, `\\x1b`, `\\u2028`)."""
    return _UNSAFE.sub(_escape, text)
