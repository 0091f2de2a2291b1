"""AnalyzeStack served with the cyclic collector paused (kmsguard.policies/gc_pause.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kmsguard.policies import gc_pause

ROOT = Path(__file__).resolve().parents[2]


class _Recording:
    def __init__(self) -> None:
        self.collector_on: list[bool] = []

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        self.collector_on.append(gc.isenabled())
        if request == "raise":
            raise RuntimeError("policy failed")
        return request

    def Analyze(self, request: Any, context: Any) -> Any:
        self.collector_on.append(gc.isenabled())
        return request


def _module() -> types.ModuleType:
    module = types.ModuleType("fake_servicer")
    module._PolicyAnalyzerServicer = type("Servicer", (_Recording,), {})  # type: ignore[attr-defined]
    return module


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_analyze_stack_runs_paused_and_resumes_even_when_it_raises() -> None:
    module = _module()
    assert gc_pause.install(module) is True
    assert gc_pause.install(module) is True  # idempotent: wrapped once
    servicer = module._PolicyAnalyzerServicer()  # type: ignore[attr-defined]

    assert servicer.AnalyzeStack("s", None) == "s"
    with pytest.raises(RuntimeError, match="policy failed"):
        servicer.AnalyzeStack("raise", None)
    servicer.Analyze("r", None)

    assert servicer.collector_on == [False, False, True]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_overlapping_calls_resume_collection_only_when_the_last_ends() -> None:
    first_inside, release_first = threading.Event(), threading.Event()
    seen_after_second: list[bool] = []

    class Slow:
        def AnalyzeStack(self, request: Any, context: Any) -> Any:
            if request == "first":
                first_inside.set()
                release_first.wait(10)
            return request

    module = types.ModuleType("slow_servicer")
    module._PolicyAnalyzerServicer = Slow  # type: ignore[attr-defined]
    gc_pause.install(module)
    servicer = Slow()
    first = threading.Thread(target=servicer.AnalyzeStack, args=("first", None))
    first.start()
    assert first_inside.wait(10)
    servicer.AnalyzeStack("second", None)
    seen_after_second.append(gc.isenabled())
    release_first.set()
    first.join(10)

    assert seen_after_second == [False]
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    module = _module()
    gc_pause.install(module)
    was = gc.isenabled()
    gc.disable()
    try:
        module._PolicyAnalyzerServicer().AnalyzeStack("s", None)  # type: ignore[attr-defined]
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_an_unfamiliar_sdk_is_left_alone() -> None:
    assert gc_pause.install(types.ModuleType("future_servicer")) is False


def test_the_pack_leaves_no_cyclic_garbage_after_analyze_stack() -> None:
    """The premise of pausing: everything AnalyzeStack allocates is freed by reference counting.
    The example program's stack (keys, aliases, grants, a trail and every kind of consumer) goes
    through the real servicer and every kmsguard policy (see tests/policies/gc_premise.py)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.policies.gc_premise"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    diagnostics, garbage = (int(word) for word in done.stdout.split())

    assert diagnostics > 0  # the stack policies ran: the example's prod stack has findings
    assert garbage == 0
