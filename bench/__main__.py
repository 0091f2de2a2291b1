"""`python -m bench [--sizes 10,100,1000,10000] [--program keys|mixed]` (= `make bench`): per-phase
times against the floor. `--program mixed` adds five consumers per key (see `bench.catalog`).

Each measurement runs in a fresh process, so imports and runtime state never carry over. `program`
is the gate's whole program phase (capture and overlapped Analyze calls included), `analyze_tail`
the Analyze time left after the program ended; the floor is the SDK alone on the same catalog.
`tuned floor` is the floor under the gate's interpreter settings (`gate/tuning.py`: mostly
a larger young-generation GC threshold), to show how much of the gate's margin those buy.
`overlap` is the share of resources the pack had analysed when the program ended, `pack cpu` the
pack processes' CPU time (they run beside the program, so it is hidden as long as they keep up),
`pack instances` how many served Analyze calls (see `kmsguard.gate.run.SHARDS`); the last lines
compare the cost per resource at the largest size with the smallest, and show the gate's own part
(beyond the tuned floor) at each size. `access` is the
access model (`kmsguard.gate.access`), computed once after the pack; `reporting` includes rendering it
in every report, the Markdown summary too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from bench.catalog import PROGRAMS, RESOURCES_PER_KEY, write

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("program", "pack_start", "analyze_tail", "analyze_stack", "access", "reporting")


def _measure(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: measurement {args[0]} failed:\n{done.stderr[-2000:]}")
    timings: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return timings


def main() -> None:
    options = argparse.ArgumentParser(prog="python -m bench")
    options.add_argument("--sizes", default="10,100,1000,10000", help="comma-separated key counts")
    options.add_argument("--pack", type=Path, default=ROOT / "policies")
    options.add_argument("--program", choices=sorted(PROGRAMS), default="keys")
    sizes = [int(s) for s in options.parse_args().sizes.split(",")]
    kind = options.parse_args().program
    header = [
        "keys",
        "resources",
        "floor s",
        "gate s",
        "ratio",
        *[f"{p} s" for p in PHASES],
        "ms/key",
        "floor ms/key",
        "ms/resource",
        "tuned floor s",
        "ratio to tuned",
        "overlap",
        "pack cpu s",
        "pack instances",
    ]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    per_resource: list[PerResource] = []
    with tempfile.TemporaryDirectory(prefix="kmsguard-bench-") as scratch:
        for keys in sizes:
            program = write(Path(scratch) / f"{kind}{keys}", keys, kind)
            resources = keys * RESOURCES_PER_KEY[kind]
            floor = _measure("floor", str(program))["total"]
            tuned_floor = _measure("floor-tuned", str(program))["total"]
            gate = _measure("gate", str(program), str(options.parse_args().pack))
            row = [
                str(keys),
                str(resources),
                f"{floor:.2f}",
                f"{gate['total']:.2f}",
                f"{gate['total'] / floor:.2f}",
                *[f"{gate.get(p, 0.0):.2f}" for p in PHASES],
                f"{gate['total'] / keys * 1000:.1f}",
                f"{floor / keys * 1000:.1f}",
                f"{gate['total'] / resources * 1000:.2f}",
                f"{tuned_floor:.2f}",
                f"{gate['total'] / tuned_floor:.2f}",
                f"{gate.get('overlap', 0.0):.0%}",
                f"{gate.get('pack_cpu', 0.0):.2f}",
                f"{gate.get('pack_instances', 1.0):.0f}",
            ]
            print(" | ".join(row), flush=True)
            per_resource.append(
                PerResource(
                    keys, *(seconds / resources * 1000 for seconds in (gate["total"], floor, tuned_floor))
                )
            )
    print(_growth(per_resource))


class PerResource(NamedTuple):
    """Milliseconds per resource at one size."""

    keys: int
    gate: float
    floor: float
    tuned_floor: float


def _growth(per_resource: list[PerResource]) -> str:
    """How the cost per resource grows from the smallest size to the largest, beside the SDK's, and
    the gate's own part at each size: what it costs beyond the SDK under the same interpreter
    settings (the pack, the analysis and the reports)."""
    if len(per_resource) < 2:
        return ""
    small, large = per_resource[0], per_resource[-1]
    own = ", ".join(f"{row.gate - row.tuned_floor:.2f}" for row in per_resource)
    sizes = ", ".join(f"{row.keys:,}" for row in per_resource)
    return (
        f"\nCost per resource from {small.keys:,} to {large.keys:,} keys: gate {large.gate / small.gate:.2f}x "
        f"({small.gate:.2f} to {large.gate:.2f} ms), floor {large.floor / small.floor:.2f}x "
        f"({small.floor:.2f} to {large.floor:.2f} ms)"
        f"\nThe gate beyond the tuned floor: {own} ms per resource at {sizes} keys"
    )


if __name__ == "__main__":
    main()
