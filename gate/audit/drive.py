"""Judge resources that were read, not registered: the preview's pack driver, fed from a list.

The gate's worker (`kmsguard.gate.run`) takes resources from a queue as a program registers them; here
the queue is filled at once, so the same code starts the pack (one instance or more), sends Configure
with the same reconciled configuration, pipelines Analyze per resource and ends with AnalyzeStack.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kmsguard.gate import pack as packs
from kmsguard.gate import run as runs
from kmsguard.gate.access.captured import access_of
from kmsguard.gate.capture import Captured
from kmsguard.gate.deadline import Deadline
from kmsguard.gate.model import GateResult
from kmsguard.gate.project import Project
from kmsguard.gate.run import Progress


def judge(
    project: Project,
    pack_dir: Path,
    resources: list[Captured],
    *,
    user_config: dict[str, Any],
    config_source: str = "policy config",
    progress: Progress | None = None,
) -> GateResult:
    # The same whole-run bound as a preview's default --timeout: a pack that hangs ends the audit.
    worker = runs._Worker(project, pack_dir.resolve(), user_config, config_source, progress, Deadline())
    worker.registered = len(resources)
    for resource in resources:
        worker.inbox.put(resource)
    worker.inbox.put(None)
    timings: dict[str, float] = {}
    try:
        begin = time.perf_counter()
        worker.main()
        if worker.error is not None:
            raise worker.error
        timings["analyze"] = time.perf_counter() - begin
        assert worker.client is not None
        assert worker.providers is not None
        stack_begin = time.perf_counter()
        stack_response = worker.client.analyze_stack(
            resources, runs._provider_map(worker.providers, resources)
        )
        timings["analyze_stack"] = time.perf_counter() - stack_begin
    finally:
        worker.stop()
    access_begin = time.perf_counter()
    access = access_of(resources, project)
    timings["access"] = time.perf_counter() - access_begin
    by_name = {p.name: p for p in worker.policies}
    found = [*worker.diagnostics, *((d.urn, d) for d in packs.diagnostics(stack_response))]
    return GateResult(
        project=project,
        pack_name=worker.pack_name,
        pack_version=worker.pack_version,
        policies=worker.policies,
        resources=resources,
        violations=[runs._violation(urn, d, by_name.get(d.policy)) for urn, d in found],
        not_applicable=worker.not_applicable,
        timings=timings,
        access=access,
    )
