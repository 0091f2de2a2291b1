"""One gate run in-process: the program and the pack side by side, and what it leaves behind."""

from __future__ import annotations

import gc
import sys

import pytest

from gate import project
from gate.errors import GateError
from gate.run import run
from gate.tuning import SWITCH_INTERVAL_S, YOUNG_GC_THRESHOLD
from tests.gate.helpers import PACK, PROGRAMS

pytestmark = pytest.mark.slow


def test_run_reports_every_phase_and_restores_the_interpreter_settings() -> None:
    before = (sys.getswitchinterval(), gc.get_threshold())
    during: list[tuple[float, tuple[int, int, int]]] = []

    result = run(
        project.load(PROGRAMS / "bad", "test"),
        PACK,
        {},
        progress=lambda *_: during.append((sys.getswitchinterval(), gc.get_threshold())),
    )

    assert during[0] == (SWITCH_INTERVAL_S, (YOUNG_GC_THRESHOLD, *before[1][1:]))
    assert (sys.getswitchinterval(), gc.get_threshold()) == before
    assert set(result.timings) == {"program", "pack_start", "analyze_tail", "analyze_stack", "overlap"}
    assert 0.0 <= result.timings["overlap"] <= 1.0
    assert {v.rule_id for v in result.violations if v.mandatory}


def test_a_failing_program_still_restores_the_interpreter_settings() -> None:
    before = (sys.getswitchinterval(), gc.get_threshold())

    with pytest.raises(GateError, match="deletion_window_in_days must be between 7 and 30"):
        run(project.load(PROGRAMS / "raises", "test"), PACK, {})

    assert (sys.getswitchinterval(), gc.get_threshold()) == before
