"""One gate run in-process: the program and the pack side by side, and what it leaves behind."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

import kmsguard.gate.run
from kmsguard.gate import project
from kmsguard.gate.deadline import Deadline
from kmsguard.gate.errors import GateError
from kmsguard.gate.model import GateResult
from kmsguard.gate.run import run
from kmsguard.gate.tuning import SWITCH_INTERVAL_S, YOUNG_GC_THRESHOLD
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
    assert set(result.timings) == {
        "program",
        "pack_start",
        "analyze_tail",
        "analyze_stack",
        "overlap",
        "access",
        "pack_instances",
    }
    assert 0.0 <= result.timings["overlap"] <= 1.0
    assert {v.rule_id for v in result.violations if v.mandatory}


def test_a_failing_program_still_restores_the_interpreter_settings() -> None:
    before = (sys.getswitchinterval(), gc.get_threshold())

    with pytest.raises(GateError, match="deletion_window_in_days must be between 7 and 30"):
        run(project.load(PROGRAMS / "raises", "test"), PACK, {})

    assert (sys.getswitchinterval(), gc.get_threshold()) == before


def _verdicts(result: GateResult) -> list[tuple[str, str, str]]:
    return sorted((v.urn, v.policy, v.message) for v in result.violations)


def test_a_second_pack_instance_gives_the_same_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = project.load(PROGRAMS / "bad", "test")
    monkeypatch.setattr(kmsguard.gate.run, "SHARDS", 1)
    alone = run(bad, PACK, {})
    monkeypatch.setattr(kmsguard.gate.run, "SHARDS", 2)

    def grow_before_the_first_call(worker: kmsguard.gate.run._Worker) -> None:
        # Inline, so the second instance is serving before the first call: calls alternate.
        if len(worker.processes) < 2:
            worker._add_shard()

    monkeypatch.setattr(kmsguard.gate.run._Worker, "_grow_if_behind", grow_before_the_first_call)
    # Relative, as users pass it: the instance starts while the program runs in its own directory.
    monkeypatch.chdir(PACK.parent)

    shared = run(bad, Path(PACK.name), {})

    assert alone.timings["pack_instances"] == 1
    assert shared.timings["pack_instances"] == 2
    assert _verdicts(shared) == _verdicts(alone)
    assert shared.not_applicable == alone.not_applicable


def test_while_the_program_runs_the_pack_leaves_it_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """More instances than `SHARDS_BESIDE_PROGRAM` start only once the program has ended."""
    monkeypatch.setattr(kmsguard.gate.run, "SHARDS", 2)
    monkeypatch.setattr(kmsguard.gate.run, "SHARDS_BESIDE_PROGRAM", 1)
    started: list[bool] = []
    monkeypatch.setattr(kmsguard.gate.run._Worker, "_add_shard", lambda worker: started.append(True))
    worker = kmsguard.gate.run._Worker(
        project.load(PROGRAMS / "bad", "test"), PACK, {}, "policy config", None, Deadline()
    )
    worker.processes.append(object())  # type: ignore[arg-type] # the first instance, serving
    for _ in range(kmsguard.gate.run.BACKLOG_FOR_ANOTHER_SHARD + 1):
        worker.inbox.put(None)

    worker._grow_if_behind()
    assert worker.growing is None

    worker.program_ended.set()
    worker._grow_if_behind()
    assert worker.growing is not None
    worker.growing.join(5)
    assert started == [True]
