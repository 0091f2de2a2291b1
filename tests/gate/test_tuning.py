"""The interpreter settings of a gate run, applied inside the block and restored after it."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest

from kmsguard.gate.tuning import SWITCH_INTERVAL_S, YOUNG_GC_THRESHOLD, batch_runtime, freeze_program_heap


def _fail_inside(seen: list[tuple[float, tuple[int, int, int]]]) -> None:
    with batch_runtime():
        seen.append((sys.getswitchinterval(), gc.get_threshold()))
        raise RuntimeError("program failed")


def test_settings_apply_inside_and_are_restored_after_an_error() -> None:
    before = (sys.getswitchinterval(), gc.get_threshold())
    seen: list[tuple[float, tuple[int, int, int]]] = []

    with pytest.raises(RuntimeError, match="program failed"):
        _fail_inside(seen)

    assert seen == [(SWITCH_INTERVAL_S, (YOUNG_GC_THRESHOLD, *before[1][1:]))]
    assert (sys.getswitchinterval(), gc.get_threshold()) == before


def test_nested_blocks_restore_the_outer_settings() -> None:
    with batch_runtime():
        outer = (sys.getswitchinterval(), gc.get_threshold())
        with batch_runtime():
            pass
        assert (sys.getswitchinterval(), gc.get_threshold()) == outer


def test_the_heap_stays_frozen_until_the_outermost_block_ends() -> None:
    kept = [object() for _ in range(10)]  # noqa: F841 - something to freeze
    freeze_program_heap()
    assert gc.get_freeze_count() == 0

    with batch_runtime():
        with batch_runtime():
            freeze_program_heap()
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0  # the inner block left it frozen

    assert gc.get_freeze_count() == 0


def test_survivors_of_every_collection_are_frozen_only_inside_the_block() -> None:
    kept = [object() for _ in range(10)]  # noqa: F841 - something to survive

    gc.collect()
    assert gc.get_freeze_count() == 0

    with batch_runtime():
        gc.collect(0)
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0
    gc.collect(0)
    assert gc.get_freeze_count() == 0


class _Node:
    partner: _Node | None = None


def test_a_cycle_that_dies_while_frozen_is_freed_once_the_block_ends() -> None:
    with batch_runtime():
        node = _Node()
        node.partner = node
        alive = weakref.ref(node)
        gc.collect(0)  # it survives and is frozen
        del node
        gc.collect()
        assert alive() is not None  # the price of freezing: out of the collector's sight until the end

    gc.collect()
    assert alive() is None
