"""One deadline for the whole run (`--timeout`), and how each part of the run honours it.

- every gRPC call to the pack carries the time left as its own deadline;
- the main thread (which runs the user's program) is interrupted by SIGALRM when time is up, so a
  program that loops or an Output that never resolves ends the run instead of hanging it;
- the CLI keeps a last-resort watchdog (`kmsguard.gate.cli`) for code that swallows even that.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Final

from kmsguard.gate.errors import GateAbort, timed_out

#: Documented in README and `--help`: long enough for a 10,000-key catalog on a 2-core runner.
DEFAULT_TIMEOUT_S: Final = 600.0


class Deadline:
    def __init__(self, seconds: float = DEFAULT_TIMEOUT_S) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        #: What the run is doing, for the timeout's message ("while the program ran").
        self.phase = "while starting"

    def left(self) -> float:
        return self.end - time.monotonic()

    def remaining(self) -> float:
        """Seconds left, for a call's own deadline; raises once none are."""
        left = self.left()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> GateAbort:
        return timed_out(self.seconds, self.phase)


@contextmanager
def interrupting(deadline: Deadline) -> Iterator[None]:
    """Raise the deadline's GateAbort in the main thread when time is up, wherever it is (the
    program's own loop included). Only the main thread receives signals; elsewhere this does
    nothing and the gRPC deadlines bound the run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise deadline.expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(deadline.left(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
