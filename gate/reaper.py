"""A guardian that ends the pack processes when the gate dies without cleaning up (SIGKILL, the OOM
killer, a CI runner killing the gate's process group).

Packs run in sessions of their own, so a Ctrl-C meant for the gate reaches the gate, which then
stops them; the price is that nothing stops them when the gate cannot. The guardian is a tiny
interpreter in a session of its own that holds the read end of a pipe: the gate writes `+<pgid>`
when it starts a pack and `-<pgid>` once it has stopped it. End of file, however the gate ended,
means: kill every group still registered, then exit. The kernel never reuses a number that is still
some group's id, so a registered group is always the pack's.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from typing import IO, Final

#: Runs with `-S -I` (no site, no environment): nothing to import but os and signal, so it starts
#: in milliseconds and cannot be broken by the user's PYTHONPATH.
GUARDIAN_SOURCE: Final = """
import os, signal, sys
groups = set()
for line in sys.stdin:
    sign, number = line[:1], line[1:].strip()
    if number.isdigit():
        (groups.add if sign == "+" else groups.discard)(int(number))
for group in groups:
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
"""

_lock = threading.Lock()
#: The pipe to this interpreter's one guardian, started with the first pack.
_pipes: list[IO[str]] = []


def _guardian() -> IO[str]:
    if not _pipes:
        process = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", GUARDIAN_SOURCE],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        assert process.stdin is not None
        _pipes.append(process.stdin)
    return _pipes[0]


def _send(line: str) -> None:
    with _lock, contextlib.suppress(OSError, ValueError):
        pipe = _guardian()
        pipe.write(line)
        pipe.flush()


def register(group: int) -> None:
    """From now on, `group` dies with the gate."""
    _send(f"+{group}\n")


def forget(group: int) -> None:
    """`group` was stopped by the gate itself: its number may be reused."""
    _send(f"-{group}\n")
