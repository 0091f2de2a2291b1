"""One gate run: the program under mocks and the pack side by side.

The pack starts while the program runs (one instance per core, see `SHARDS`), and a worker thread
sends each resource to Analyze as soon as the program registers it (several calls in flight), so a
preview costs little more than the program itself. AnalyzeStack follows once the program has
finished, as in the engine.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from kmsguard.gate import pack as packs
from kmsguard.gate.access.captured import access_of
from kmsguard.gate.capture import Captured, run_program
from kmsguard.gate.errors import GateError
from kmsguard.gate.model import GateResult, PolicyMeta, Violation
from kmsguard.gate.policyconfig import reconcile
from kmsguard.gate.project import Project
from kmsguard.gate.tuning import batch_runtime, freeze_program_heap

#: Analyze calls kept in flight: enough to hide the round trip, few enough to keep memory flat.
WINDOW: Final = 32
#: Instances of the pack sharing the Analyze calls, round robin. A program registers its resources
#: in waves, one per level of dependency, each far faster than one pack can analyse them; the last
#: wave (at the benchmark's 10,000 keys: 20,000 replica aliases) is left for after the program,
#: when its core is free. Analyze is per resource and stateless, so the verdicts are the same;
#: AnalyzeStack goes to the first instance, the others stop once the Analyze calls are done.
SHARDS: Final = max(1, min(4, os.cpu_count() or 1))
#: Another instance starts only when this many registered resources wait for Analyze (about half a
#: second of one instance's work), so a small program never pays for a second start.
BACKLOG_FOR_ANOTHER_SHARD: Final = 500

Progress = Callable[[int, int], None]


@dataclass
class _Worker:
    """State the analyse thread shares with the main thread (read only after `join`)."""

    project: Project
    pack_dir: Path
    user_config: dict[str, Any]
    config_source: str
    progress: Progress | None
    inbox: queue.Queue[Captured | None] = field(default_factory=queue.Queue)
    providers: packs.Providers | None = None
    processes: list[packs.PackProcess] = field(default_factory=list)
    clients: list[packs.PackClient] = field(default_factory=list)
    policies: list[PolicyMeta] = field(default_factory=list)
    pack_name: str = ""
    pack_version: str = ""
    diagnostics: list[tuple[str, packs.Diagnostic]] = field(default_factory=list)
    not_applicable: set[tuple[str, str]] = field(default_factory=set)
    error: BaseException | None = None
    registered: int = 0
    registered_seen: int = 0
    analyzed: int = 0
    started_s: float = 0.0
    drained_at: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    growing: threading.Thread | None = None
    shard_error: BaseException | None = None

    @property
    def client(self) -> packs.PackClient | None:
        """The instance that outlives the Analyze phase (AnalyzeStack goes to it)."""
        return self.clients[0] if self.clients else None

    def main(self) -> None:
        try:
            self._start()
            self._analyze_all()
            if self.growing is not None:
                self.growing.join()
            if self.shard_error is not None:
                raise self.shard_error
            self._stop(self.processes[1:], self.clients[1:])
        except BaseException as exc:  # handed to the main thread, which raises it
            self.error = exc
            while self.inbox.get() is not None:  # keep the program unblocked until it ends
                pass
        self.drained_at = time.perf_counter()

    def _start(self) -> None:
        begin = time.perf_counter()
        process = packs.PackProcess(self.pack_dir, self.project)
        self.processes.append(process)
        process.start()
        client = packs.PackClient(process.port)
        self.clients.append(client)
        client.configure_stack(self.project)
        info = client.analyzer_info()
        packs.plugin_version(client)
        self.pack_name, self.pack_version = info.name, process.version or info.version
        defaults = packs.policies_of(info)
        settings = self.settings = reconcile(
            defaults, packs.initial_config(info), self.user_config, self.config_source
        )
        client.configure(settings)
        self.policies = [
            PolicyMeta(**{**p.__dict__, "enforcement": settings[p.name].enforcement}) for p in defaults
        ]
        self.providers = packs.Providers(self.project)
        self.started_s = time.perf_counter() - begin

    def _analyze_all(self) -> None:
        assert self.providers is not None
        in_flight: deque[tuple[Captured, Any]] = deque()
        while (resource := self.inbox.get()) is not None:
            self._grow_if_behind()
            self.providers.remember(resource)
            client = self.clients[self.registered_seen % len(self.clients)]
            self.registered_seen += 1
            in_flight.append((resource, client.analyze(resource, self.providers.for_resource(resource))))
            if len(in_flight) >= WINDOW:
                self._collect(*in_flight.popleft())
        while in_flight:
            self._collect(*in_flight.popleft())

    def _grow_if_behind(self) -> None:
        if self.growing is not None or len(self.processes) >= SHARDS:
            return
        if self.inbox.qsize() > BACKLOG_FOR_ANOTHER_SHARD:
            self.growing = threading.Thread(target=self._add_shard, name="kmsguard-shard", daemon=True)
            self.growing.start()

    def _add_shard(self) -> None:
        """Start and configure one more instance; it takes calls once it is ready. A failure is
        raised by `main` once the Analyze calls are done: the same pack already serves, so it
        points at the machine (memory, processes), which the user should hear about."""
        process = packs.PackProcess(self.pack_dir, self.project)
        self.processes.append(process)  # stopped with the others, whatever happens next
        try:
            process.start()
            client = packs.PackClient(process.port)
            client.configure_stack(self.project)
            client.configure(self.settings)
        except BaseException as exc:  # handed to `main`
            self.shard_error = exc
            return
        self.clients.append(client)
        self.growing = None

    def _collect(self, resource: Captured, future: Any) -> None:
        response = future.result()
        for diagnostic in packs.diagnostics(response):
            self.diagnostics.append((diagnostic.urn or resource.urn, diagnostic))
        for skipped in response.not_applicable:
            self.not_applicable.add((resource.urn, skipped.policy_name))
        self.analyzed += 1
        if self.progress is not None:
            self.progress(self.registered, self.analyzed)

    def stop(self) -> None:
        self._stop(self.processes, self.clients)

    @staticmethod
    def _stop(processes: list[packs.PackProcess], clients: list[packs.PackClient]) -> None:
        for client in clients:
            client.close()
        for process in processes:
            process.stop()


def run(
    project: Project,
    pack_dir: Path,
    user_config: dict[str, Any],
    config_source: str = "policy config",
    progress: Progress | None = None,
) -> GateResult:
    # Resolved now: the program runs in its project directory, and instances start during it.
    worker = _Worker(project, pack_dir.resolve(), user_config, config_source, progress)

    def sink(resource: Captured) -> None:
        worker.registered += 1
        worker.inbox.put(resource)

    thread = threading.Thread(target=worker.main, name="kmsguard-analyze", daemon=True)
    timings: dict[str, float] = {}
    with batch_runtime():
        thread.start()
        try:
            begin = time.perf_counter()
            try:
                resources = run_program(project, sink)
            finally:
                worker.inbox.put(None)
                program_end = time.perf_counter()
                timings["program"] = program_end - begin
                analyzed_during_program = worker.analyzed
                thread.join()
            if worker.error is not None:
                raise worker.error
            freeze_program_heap()
            timings["pack_start"] = worker.started_s
            timings["analyze_tail"] = max(0.0, worker.drained_at - program_end)
            # The share of resources analysed while the program still ran (1.0: the pack kept up).
            timings["overlap"] = analyzed_during_program / max(1, worker.registered)
            timings["pack_instances"] = float(len(worker.clients))
            assert worker.client is not None
            assert worker.providers is not None
            stack_begin = time.perf_counter()
            stack_response = worker.client.analyze_stack(
                resources, _provider_map(worker.providers, resources)
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
        violations=[_violation(urn, d, by_name.get(d.policy)) for urn, d in found],
        not_applicable=worker.not_applicable,
        timings=timings,
        access=access,
    )


def _provider_map(providers: packs.Providers, resources: list[Captured]) -> dict[str, Any]:
    mapping = {}
    for resource in resources:
        provider = providers.for_resource(resource)
        if provider is not None:
            mapping[resource.urn] = provider
    return mapping


def _violation(urn: str, diagnostic: packs.Diagnostic, meta: PolicyMeta | None) -> Violation:
    severity = diagnostic.severity
    if severity == "unspecified" and meta is not None:
        severity = meta.severity
    return Violation(
        policy=diagnostic.policy,
        rule_id=meta.rule_id if meta is not None else diagnostic.policy,
        severity=severity,
        enforcement=diagnostic.enforcement,
        urn=urn,
        message=diagnostic.message,
    )


def check_pack_dir(pack_dir: Path) -> None:
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        raise GateError(f"no PulumiPolicy.yaml in {pack_dir}", "pass --policy-pack with a policy pack folder")
