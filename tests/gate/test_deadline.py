"""The run's deadline: every call asks it for the time left; the main thread is interrupted at it."""

from __future__ import annotations

import re
import signal

import pytest

from kmsguard.gate.deadline import Deadline, interrupting
from kmsguard.gate.errors import GateAbort


def test_no_time_left_raises_the_timeout_naming_the_phase() -> None:
    deadline = Deadline(0.0)
    deadline.phase = "while the program ran"
    with pytest.raises(GateAbort) as raised:
        deadline.remaining()
    assert raised.value.problem == "timed out after 0 s (--timeout) while the program ran"


def _spin(deadline: Deadline) -> None:
    with interrupting(deadline):
        while True:
            pass


def test_a_busy_main_thread_is_interrupted_and_the_alarm_is_cleared() -> None:
    with pytest.raises(GateAbort, match=re.escape("timed out after 0.05 s (--timeout) while starting")):
        _spin(Deadline(0.05))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_an_abort_is_not_swallowed_by_except_exception() -> None:
    assert not issubclass(GateAbort, Exception)
