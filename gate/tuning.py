"""Interpreter settings for one gate run: a batch job on two threads, not an interactive program.

Both are measured on the 1,000-key benchmark (`python -m bench --sizes 1000`) and restored when
the run ends, as the gate also runs in-process next to tests and embedders.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

#: The program's thread rarely releases the GIL, so with Python's default 5 ms switch interval the
#: thread feeding the pack (and gRPC's own threads) waits up to 5 ms per hand-off and the pack
#: starves: 12 % of the resources were analysed by the time the program ended. At 0.5 ms, 80 %
#: were, and the Analyze tail after the program fell from 10.6 s to 2.8 s.
SWITCH_INTERVAL_S: Final = 0.0005
#: A Pulumi program allocates millions of small, long-lived objects (resources, outputs, futures).
#: With the default young-generation threshold of 700, the collector ran 15 full collections over
#: that growing heap: 7.4 s of GC in a 16.9 s program phase. At 50,000 it runs none, the program
#: phase took 12.2 s, and peak memory stayed the same (435 MB before, 432 MB after).
YOUNG_GC_THRESHOLD: Final = 50_000


@contextmanager
def batch_runtime() -> Iterator[None]:
    switch_interval = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(YOUNG_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)
        gc.set_threshold(*thresholds)
