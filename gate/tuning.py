"""Interpreter settings for one gate run: a batch job on two threads, not an interactive program.

Each is measured on the benchmark (`python -m bench`) and undone when the outermost
`batch_runtime` block ends, as the gate also runs in-process next to tests and embedders.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

#: The program's thread rarely releases the GIL, so with Python's default 5 ms switch interval the
#: thread feeding the pack (and gRPC's own threads) waits up to 5 ms per hand-off and the pack
#: starves: 12 % of the resources were analysed by the time the program ended. At 0.5 ms, 80 %
#: were, and the Analyze tail after the program fell from 10.6 s to 2.8 s (1,000 keys).
SWITCH_INTERVAL_S: Final = 0.0005
#: A Pulumi program allocates millions of small, long-lived objects (resources, outputs, futures).
#: With the default young-generation threshold of 700, the collector ran 15 full collections over
#: that growing heap: 7.4 s of GC in a 16.9 s program phase. At 50,000 it runs none, the program
#: phase took 12.2 s, and peak memory stayed the same (435 MB before, 432 MB after).
YOUNG_GC_THRESHOLD: Final = 50_000

_lock = threading.Lock()
_depth = 0


@contextmanager
def batch_runtime() -> Iterator[None]:
    global _depth  # noqa: PLW0603 - one interpreter, one setting: nesting must not undo it early
    switch_interval = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    with _lock:
        _depth += 1
        if _depth == 1:
            gc.callbacks.append(_freeze_survivors)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(YOUNG_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)
        gc.set_threshold(*thresholds)
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _freeze_survivors in gc.callbacks:
                    gc.callbacks.remove(_freeze_survivors)
                gc.unfreeze()


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """A Pulumi program keeps nearly everything it builds until it ends, so each older
    collection walks survivors that will survive again, and walks more of them the larger the
    program: at 10,000 keys of the mixed benchmark, 87 middle and 8 full collections took 60 s
    and the collector 108 s in all. Freezing whatever survived a collection, young ones included,
    leaves every collection only what was allocated since it last ran: 35 s in all, and peak
    memory did not grow (6.2 GB, against 6.5 GB). The price is cyclic garbage that dies after it
    was frozen: it stays until the outermost block ends, unfreezes it and lets the next collection
    free it (at 2,000 keys, 5 % more memory at the end of the capture)."""
    if phase == "stop":
        gc.freeze()


def freeze_program_heap() -> None:
    """Once the program has run, what it built lives until the run ends: move it out of the
    collector's sight, so the full collections that AnalyzeStack and the reports still trigger
    scan only what they allocate. Outside `batch_runtime`, nothing is frozen (nothing would undo it)."""
    with _lock:
        if _depth > 0:
            gc.freeze()
