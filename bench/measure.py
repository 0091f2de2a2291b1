"""One measurement in a fresh process, printed as JSON:
`python -m bench.measure floor|floor-tuned DIR` or `python -m bench.measure gate DIR PACK`."""

from __future__ import annotations

import asyncio
import io
import json
import os
import runpy
import sys
import time
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.stack import wait_for_rpcs

from kmsguard.gate.tuning import batch_runtime


class _Echo(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}


def floor(directory: Path) -> dict[str, float]:
    """The Pulumi SDK alone: the same program under `set_mocks`, nothing captured, no pack."""
    from kmsguard.gate.project import load  # noqa: PLC0415 - config reading only, outside the timed part

    project = load(directory, "bench")
    begin = time.perf_counter()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(_Echo(), project=project.name, stack="bench", preview=True)
    pulumi.runtime.set_all_config(dict(project.config))
    sys.path.insert(0, str(directory))
    runpy.run_path(str(directory / "__main__.py"), run_name="__main__")
    loop.run_until_complete(wait_for_rpcs())
    return {"total": time.perf_counter() - begin}


def gate(directory: Path, pack_dir: Path) -> dict[str, float]:
    from kmsguard.gate.project import load  # noqa: PLC0415
    from kmsguard.gate.report import jsonreport, junit, markdown, sarif, terminal  # noqa: PLC0415
    from kmsguard.gate.run import run  # noqa: PLC0415

    begin = time.perf_counter()
    with batch_runtime():  # as `kmsguard preview` runs: the program, the pack and the reports
        cpu_before = os.times()
        result = run(load(directory, "bench"), pack_dir, {})
        cpu_after = os.times()  # the pack has exited and been waited for: its CPU is a child's
        reporting = time.perf_counter()
        terminal.render(result, io.StringIO())
        jsonreport.render(result)
        sarif.render(result)
        junit.render(result)
        markdown.render(result)
        end = time.perf_counter()
    return {
        **result.timings,
        "reporting": end - reporting,
        "total": end - begin,
        "pack_cpu": (cpu_after.children_user + cpu_after.children_system)
        - (cpu_before.children_user + cpu_before.children_system),
        "violations": float(len(result.violations)),
        "resources": float(len(result.resources)),
    }


if __name__ == "__main__":
    mode, target = sys.argv[1], Path(sys.argv[2])
    if mode == "floor":
        timings = floor(target)
    elif mode == "floor-tuned":
        # The floor under the gate's interpreter settings: how much of the gate's margin they buy.
        with batch_runtime():
            timings = floor(target)
    else:
        timings = gate(target, Path(sys.argv[3]))
    print(json.dumps(timings))
