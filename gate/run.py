"""One gate run: the program under mocks and the pack side by side.

The pack starts while the program runs (one instance per core, see `SHARDS`), and a worker thread
sends each resource to Analyze as soon as the program registers it (several calls in flight), so a
preview costs little more than the program itself. AnalyzeStack follows once the program has
finished, as in the engine.

Failing closed: a failure of the pack at any moment (a call that fails, a pack that dies, the
deadline) is recorded by the worker and ends the run — the program is stopped at its next
registration, the main thread never waits on a worker that has given up, and every pack process is
stopped on the way out, whatever ended the run.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from kmsguard.gate import pack as packs
from kmsguard.gate import secrets, unknowns
from kmsguard.gate.access.captured import access_of
from kmsguard.gate.capture import Captured, run_program
from kmsguard.gate.deadline import Deadline, interrupting
from kmsguard.gate.model import GateResult, PolicyMeta, Violation
from kmsguard.gate.policyconfig import reconcile
from kmsguard.gate.project import Project
from kmsguard.gate.tuning import batch_runtime, freeze_program_heap

#: Analyze calls kept in flight: enough to hide the round trip, few enough to keep memory flat.
WINDOW: Final = 32
#: Instances of the pack sharing the Analyze calls, round robin. Analyze is per resource and
#: stateless, so the verdicts are the same; AnalyzeStack goes to the first instance, the others stop
#: once the Analyze calls are done.
#: While the program runs, its own process needs a whole core (one GIL: the program, the capture and
#: the thread feeding the pack), so the pack gets the others. Two instances on a 2-core machine took
#: that core away: at 4,000 keys of the mixed benchmark the program phase took 90 s with two and
#: 74 s with one, and one instance analysed more of the resources meanwhile (75 % against 51 %).
SHARDS_BESIDE_PROGRAM: Final = max(1, (os.cpu_count() or 1) - 1)
#: Once the program has ended, its core is free for what is left: programs register in waves, one
#: per level of dependency, and the last wave arrives as the program ends.
SHARDS: Final = max(1, min(4, os.cpu_count() or 1))
#: Another instance starts only when this many registered resources wait for Analyze (about half a
#: second of one instance's work), so a small program never pays for a second start.
BACKLOG_FOR_ANOTHER_SHARD: Final = 500

#: How long the main thread waits for the worker to notice that its pack was stopped.
WORKER_STOP_S: Final = 5.0

Progress = Callable[[int, int], None]


class _PackFailed(Exception):
    """Raised into the program's next registration once the worker has failed: nothing more will be
    analysed, so the program need not run on."""


@dataclass
class _Worker:
    """State the analyse thread shares with the main thread (read only after `join`)."""

    project: Project
    pack_dir: Path
    user_config: dict[str, Any]
    config_source: str
    progress: Progress | None
    deadline: Deadline
    inbox: queue.Queue[Captured | None] = field(default_factory=queue.Queue)
    failed: threading.Event = field(default_factory=threading.Event)
    program_ended: threading.Event = field(default_factory=threading.Event)
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
            # The inbox is unbounded: nothing waits for this thread to drain it, so it just stops.
            self.error = exc
            self.failed.set()
        self.drained_at = time.perf_counter()

    def _start(self) -> None:
        begin = time.perf_counter()
        process = packs.PackProcess(self.pack_dir, self.project, self.deadline)
        self.processes.append(process)
        process.start()
        client = packs.PackClient(process.port, self.deadline, process)
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
        in_flight: deque[tuple[Captured, packs.PackClient, Any]] = deque()
        while (resource := self.inbox.get()) is not None:
            self._grow_if_behind()
            self.providers.remember(resource)
            client = self.clients[self.registered_seen % len(self.clients)]
            self.registered_seen += 1
            future = client.analyze(resource, self.providers.for_resource(resource))
            in_flight.append((resource, client, future))
            if len(in_flight) >= WINDOW:
                self._collect(*in_flight.popleft())
        while in_flight:
            self._collect(*in_flight.popleft())

    def _grow_if_behind(self) -> None:
        limit = SHARDS if self.program_ended.is_set() else min(SHARDS, SHARDS_BESIDE_PROGRAM)
        if self.growing is not None or len(self.processes) >= limit:
            return
        if self.inbox.qsize() > BACKLOG_FOR_ANOTHER_SHARD:
            self.growing = threading.Thread(target=self._add_shard, name="kmsguard-shard", daemon=True)
            self.growing.start()

    def _add_shard(self) -> None:
        """Start and configure one more instance; it takes calls once it is ready. A failure is
        raised by `main` once the Analyze calls are done: the same pack already serves, so it
        points at the machine (memory, processes), which the user should hear about."""
        process = packs.PackProcess(self.pack_dir, self.project, self.deadline)
        self.processes.append(process)  # stopped with the others, whatever happens next
        try:
            process.start()
            client = packs.PackClient(process.port, self.deadline, process)
            client.configure_stack(self.project)
            client.configure(self.settings)
        except BaseException as exc:  # handed to `main`
            self.shard_error = exc
            return
        self.clients.append(client)
        self.growing = None

    def _collect(self, resource: Captured, client: packs.PackClient, future: Any) -> None:
        response = client.analyze_result(future, resource.urn)
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
    *,
    deadline: Deadline | None = None,
    allow_unknowns: bool = False,
) -> GateResult:
    """Raises GateError when the program or the pack fails, GateAbort when `deadline` passes."""
    deadline = deadline if deadline is not None else Deadline()
    # Before the program runs: a pack that cannot start is reported as such, not as a failed program.
    packs.pack_interpreter(pack_dir)
    # Resolved now: the program runs in its project directory, and instances start during it.
    worker = _Worker(project, pack_dir.resolve(), user_config, config_source, progress, deadline)

    def sink(resource: Captured) -> None:
        if worker.failed.is_set():
            raise _PackFailed
        worker.registered += 1
        worker.inbox.put(resource)

    thread = threading.Thread(target=worker.main, name="kmsguard-analyze", daemon=True)
    timings: dict[str, float] = {}
    with batch_runtime(), interrupting(deadline):
        thread.start()
        try:
            begin = time.perf_counter()
            deadline.phase = "while the program ran"
            try:
                resources = run_program(project, sink)
            except BaseException:
                if worker.error is not None:  # the program was stopped because the pack failed
                    raise worker.error from None
                raise
            finally:
                worker.program_ended.set()
                worker.inbox.put(None)
                program_end = time.perf_counter()
                timings["program"] = program_end - begin
                analyzed_during_program = worker.analyzed
            deadline.phase = "while the policy pack analysed the resources"
            while thread.is_alive():  # each Analyze call has the deadline too; this bounds the rest
                thread.join(min(deadline.remaining(), 1.0))
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
            deadline.phase = "during AnalyzeStack"
            stack_response = worker.client.analyze_stack(
                resources, _provider_map(worker.providers, resources)
            )
            timings["analyze_stack"] = time.perf_counter() - stack_begin
        finally:
            # Stopping the packs ends any call the worker still waits on; only then is it joined.
            worker.stop()
            thread.join(WORKER_STOP_S)
    return _result(project, worker, resources, stack_response, timings, allow_unknowns)


def _result(  # noqa: PLR0917 - the parts of one run, assembled once
    project: Project,
    worker: _Worker,
    resources: list[Captured],
    stack_response: Any,
    timings: dict[str, float],
    allow_unknowns: bool,
) -> GateResult:
    access_begin = time.perf_counter()
    access = access_of(resources, project)
    timings["access"] = time.perf_counter() - access_begin
    by_name = {p.name: p for p in worker.policies}
    found = [*worker.diagnostics, *((d.urn, d) for d in packs.diagnostics(stack_response))]
    violations = [_violation(urn, d, by_name.get(d.policy)) for urn, d in found]
    unknown = {r.urn: paths for r in resources if r.custom and (paths := unknowns.unknown_paths(r))}
    violations = _fail_on_unknowns(violations, unknown, allow_unknowns)
    located = {r.urn: r.location for r in resources if r.location is not None}
    violations = [replace(v, location=located.get(v.urn)) if v.urn in located else v for v in violations]
    if violations:
        masker = secrets.Masker.of(resources)
        if masker:
            violations = [_masked(v, masker, by_name.get(v.policy)) for v in violations]
    return GateResult(
        project=project,
        pack_name=worker.pack_name,
        pack_version=worker.pack_version,
        policies=worker.policies,
        resources=resources,
        violations=violations,
        not_applicable=worker.not_applicable,
        timings=timings,
        checks=[unknowns.POLICY] if unknown else [],
        unknown_paths=unknown,
        allow_unknowns=allow_unknowns,
        access=access,
    )


def _masked(violation: Violation, masker: secrets.Masker, meta: PolicyMeta | None) -> Violation:
    """The finding with secrets masked; the SDK's prefix (the policy's own description, which no
    program wrote) is left as it is, so reports still recognise and drop it."""
    prefix = f"{meta.description}\n" if meta is not None else ""
    if not prefix or not violation.message.startswith(prefix):
        prefix = ""
    return replace(violation, message=prefix + masker.mask(violation.message[len(prefix) :], violation.urn))


def _fail_on_unknowns(
    violations: list[Violation], unknown: dict[str, list[str]], allow: bool
) -> list[Violation]:
    """The gate's own finding per resource with unknown inputs, and the SDK's "can't run policy
    during preview" (advisory by the SDK) made mandatory: there is no `up` to check them later."""
    level = "advisory" if allow else "mandatory"
    judged = [
        replace(v, enforcement=level) if unknowns.is_sdk_unknown(v.message) and not allow else v
        for v in violations
    ]
    meta = unknowns.POLICY
    own = [
        Violation(meta.name, meta.rule_id, meta.severity, level, urn, unknowns.message(paths))
        for urn, paths in unknown.items()
    ]
    return judged + own


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
