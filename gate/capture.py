"""Run a Pulumi Python program under the SDK's mock runtime and record what the engine would see.

The monitor below answers RegisterResource itself (instead of the SDK's MockMonitor) so it sees the
real requests — parent, dependencies, property dependencies, provider, protect — and hands out
URNs built by the engine's rule. Each resource is passed to `on_resource` as soon as it is
registered, from the SDK's RPC threads, so a consumer can analyse while the program still runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack

from kmsguard.gate import urns, wire
from kmsguard.gate.errors import GateAbort, GateError
from kmsguard.gate.locations import Location, Locator, programs_own
from kmsguard.gate.mocks import RealisticMocks
from kmsguard.gate.project import Project


@dataclass
class Captured:
    """One RegisterResource request, as the engine would pass it to a policy pack."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    inputs: struct_pb2.Struct
    outputs: struct_pb2.Struct
    provider: str = ""
    version: str = ""
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    #: Where it comes from (its own source position, else its parent's): see `kmsguard.gate.locations`.
    location: Location | None = None


ResourceSink = Callable[[Captured], None]


class CaptureMonitor(sdk_mocks.MockMonitor):
    def __init__(self, mocks: RealisticMocks, project: Project, sink: ResourceSink, locator: Locator) -> None:
        super().__init__(mocks)
        self._project = project
        self._sink = sink
        self._locator = locator
        self._lock = threading.Lock()
        self.captured: list[Captured] = []
        self._locations: dict[str, Location | None] = {}

    def RegisterResource(self, request: Any) -> Any:
        qualified = urns.qualified_type(request.parent, request.type)
        urn = urns.make(self._project.stack, self._project.name, qualified, request.name)
        inputs = wire.without_internal_keys(request.object)
        if request.type == urns.STACK_TYPE or not request.custom:
            # Components and the stack have no provider behind them: their outputs come later.
            outputs = struct_pb2.Struct()
            response = resource_pb2.RegisterResourceResponse(urn=urn)
        else:
            resource_id, state = self.mocks.new_resource(
                sdk_mocks.MockResourceArgs(
                    typ=request.type,
                    name=request.name,
                    inputs=rpc.deserialize_properties(request.object),
                    provider=request.provider,
                    resource_id=request.importId,
                    custom=True,
                )
            )
            outputs = _serialized(state)
            resource_id = resource_id or ""
            response = resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=outputs)
            with self._lock:
                self.resources[urn] = sdk_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        # Children a component registers where neither config nor the program's own code says
        # where they come from are where their parent is (a parent registers first).
        location = self._locator.location(request.sourcePosition) or self._locations.get(request.parent)
        self._locations[urn] = location
        captured = Captured(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent,
            inputs=inputs,
            outputs=outputs,
            provider=request.provider,
            version=request.version,
            protect=bool(request.protect),
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            location=location,
        )
        with self._lock:
            self.captured.append(captured)
        self._sink(captured)
        return response


def _serialized(state: dict[str, Any]) -> struct_pb2.Struct:
    """The mock's state in the engine's encoding. The SDK's serializer is a coroutine that, over
    plain values, never suspends: driven by hand it finishes in one step. The SDK's own monitor runs
    an event loop on the RPC thread for it instead, and each turn of that loop gives up the GIL to a
    program that holds it for the whole switch interval: about 0.5 ms per resource, 3.5 s of a
    1,000-key mixed program. A state that does await (a resource reference still resolving) is
    serialized the SDK's way."""
    step = rpc.serialize_properties(state, {})
    try:
        step.send(None)
    except StopIteration as finished:
        return finished.value
    step.close()
    return sdk_mocks._sync_await(rpc.serialize_properties(state, {}))  # type: ignore[attr-defined]


class ProgramError(GateError):
    """The Pulumi program itself failed; the message is the program's own."""


def run_program(project: Project, sink: ResourceSink) -> list[Captured]:
    """Run the program to completion; every registered resource is passed to `sink` on the way."""
    locator = Locator(project.directory, project.name, project.stack_file)
    monitor = CaptureMonitor(RealisticMocks(project), project, sink, locator)
    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)  # type: ignore[no-untyped-call]
    sdk_settings.ROOT.set(None)
    sdk_settings.configure(
        sdk_mocks.MockSettings(  # type: ignore[no-untyped-call]
            monitor=monitor,
            monitor_features=features,
            engine=sdk_mocks.MockEngine(logging.getLogger("kmsguard.program")),
            project=project.name,
            stack=project.stack,
            dry_run=True,
            organization=project.organization,
            root_directory=str(project.directory),
            callbacks=None,
        )
    )
    pulumi.runtime.set_all_config(dict(project.config), list(project.secret_keys))
    previous_loop = _current_event_loop()
    loop = asyncio.new_event_loop()
    try:
        with _as_language_host(project), _source_positions(locator):
            asyncio.set_event_loop(loop)
            loop.run_until_complete(run_in_stack(lambda: _run_main(project.main)))
    except (GateError, GateAbort, KeyboardInterrupt):
        raise
    except BaseException as exc:  # any failure of the user's program is reported, not raised
        raise _program_error(project, exc) from None
    finally:
        # The caller's loop comes back: the gate runs in-process, next to tests and embedders that
        # use the mock runtime themselves and expect the main thread's loop to still be there.
        asyncio.set_event_loop(previous_loop)
        loop.close()
        # Leave no root stack or config behind for the next program run in this process.
        sdk_settings.ROOT.set(None)
        pulumi.runtime.set_all_config({}, [])
    return list(monitor.captured)


async def _run_main(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")
    # A synchronous program has only scheduled its registrations. Yield once so they start and
    # enter the SDK's RPC list: `wait_for_rpcs` otherwise finds that list empty and falls back to
    # `asyncio.wait(FIRST_COMPLETED)` over every pending output, round after round — quadratic in
    # the resource count (30 s of the 1,000-key benchmark). The SDK's own entry point gets this
    # ordering for free because the program runs before the event loop starts.
    await asyncio.sleep(0)


@contextmanager
def _source_positions(locator: Locator) -> Iterator[None]:
    """The SDK sends every RegisterResource the Python stack that created it and, from it, its
    source position. Extracting the stack walks every frame with a line lookup and a file URI per
    frame: 1.7 s of a 1,000-key program. The gate puts its `Locator` in its place for the run (the
    position only: no policy sees the stack, the Analyzer protocol has no field for it) and puts the
    SDK back."""
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # a future SDK: positions come (or not) as it sends them
        yield
        return
    sdk_resource._get_stack_trace = locator.stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


@contextmanager
def _as_language_host(project: Project) -> Iterator[None]:
    """sys.path[0] = the program's directory and cwd = the project directory, as the language host
    sets them; restored afterwards so one process can run several programs. Modules the program
    imported from its own directory are forgotten too: another program's `keys.py` must not be
    served this one's."""
    saved_path, saved_cwd, saved_argv = list(sys.path), os.getcwd(), list(sys.argv)
    saved_modules = set(sys.modules)
    program_dir = project.main.parent.resolve()
    sys.path.insert(0, str(program_dir))
    sys.argv = [str(project.main)]
    os.chdir(project.directory)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        for name in set(sys.modules) - saved_modules:
            origin = getattr(sys.modules[name], "__file__", None)
            if origin and Path(origin).resolve().is_relative_to(program_dir):
                del sys.modules[name]


def _program_error(project: Project, exc: BaseException) -> ProgramError:
    fix = "fix the program or its stack config; the gate ran no policies"
    if isinstance(exc, pulumi.RunError):
        # A message the program wrote for its user, as the CLI prints it: whole, and without the
        # place it was raised (library code, whose line says nothing about what to fix).
        lines = [line.rstrip() for line in str(exc).splitlines() if line.strip()]
        return ProgramError("the Pulumi program failed: " + "\n".join(lines), fix)
    if isinstance(exc, SystemExit):
        message = f"the program called exit({exc.code})"
    else:
        message = f"{type(exc).__name__}: {exc}"
    where = _program_frame(project, exc)
    # One line: the first of the program's own message (the rest is its traceback, or noise).
    first = next((line.strip() for line in message.splitlines() if line.strip()), message)
    return ProgramError(f"the Pulumi program failed{where}: {first}", fix)


def _program_frame(project: Project, exc: BaseException) -> str:
    """The innermost traceback frame of the program's own code (not the SDK, not kmsguard), if any."""
    root = str(project.directory)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if programs_own(f.filename, root + os.sep)]
    if not frames:
        return ""
    last = frames[-1]
    return f" at {os.path.relpath(last.filename, root)}:{last.lineno}"


def _current_event_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none set on this thread
        return None
