"""Program text is printed on one line, every control character visible."""

from __future__ import annotations

import pytest

from kmsguard.gate.text import printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("plain text", "plain text", id="pass_plain"),
        pytest.param("unicode café ✓", "unicode café ✓", id="pass_unicode"),
        pytest.param("a\nPASSED: no policy violations", "a\\nPASSED: no policy violations", id="newline"),
        pytest.param("a\r\tb", "a\\r\\tb", id="carriage_return_tab"),
        pytest.param("\x1b[32mgreen\x1b[0m", "\\x1b[32mgreen\\x1b[0m", id="ansi_escape"),
        pytest.param("a\x00b\x7fc\x85d", "a\\x00b\\x7fc\\x85d", id="nul_del_c1"),
        pytest.param("a\u2028b\u2029c", "a\\u2028b\\u2029c", id="unicode_line_separators"),
        pytest.param("evil\u202eexe.txt", "evil\\u202eexe.txt", id="bidi_override"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown
