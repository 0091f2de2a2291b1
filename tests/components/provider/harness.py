"""The provider as the Pulumi CLI runs it, and the engine it talks back to, both on 127.0.0.1.

`ServedProvider` starts the plugin folder (`python provider/ <engine address>`, cwd the folder, as
the Python language host's RunPlugin does), reads the port from the first line it prints and calls
it over gRPC with a deadline on every call. The engine side is one in-process gRPC server: the
ResourceMonitor service records every registration through the component tests' own
`RecordingMonitor` (so the provider's children compare with a Python program's, field by field),
and the Engine service takes the provider's logs and root resource.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from kmsguard.provider.host import PLUGIN_DIR
from tests.components.mocks import Capture, KmsMocks, RecordingMonitor

#: Seconds any single gRPC call or the provider's start may take before the test fails.
DEADLINE = 60.0
PROJECT = "kmsguard"


def stack_urn(stack: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{stack}"


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The ResourceMonitor service over the recording mock monitor of the current test."""

    def __init__(self) -> None:
        self.current: RecordingMonitor | None = None

    def _monitor(self) -> RecordingMonitor:
        assert self.current is not None, "a Construct outside `Engine.recording()`"
        return self.current

    def SupportsFeature(self, request: Any, context: Any) -> Any:
        # MockMonitor answers with a stand-in object; the wire needs the message.
        answer = self._monitor().SupportsFeature(request)
        return resource_pb2.SupportsFeatureResponse(hasSupport=answer.hasSupport)

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:
        return self._monitor().GetDeploymentInfo(request)

    def RegisterResource(self, request: Any, context: Any) -> Any:
        return self._monitor().RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
        return self._monitor().RegisterResourceOutputs(request)

    def Invoke(self, request: Any, context: Any) -> Any:
        return self._monitor().Invoke(request)

    def RegisterPackage(self, request: Any, context: Any) -> Any:
        return self._monitor().RegisterPackage(request)


@dataclass
class _EngineService(engine_pb2_grpc.EngineServicer):
    logs: list[str] = field(default_factory=list)
    root: str = ""

    def Log(self, request: Any, context: Any) -> Any:
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=self.root)

    def SetRootResource(self, request: Any, context: Any) -> Any:
        self.root = request.urn
        return engine_pb2.SetRootResourceResponse()


class Engine:
    """The engine's side of the wire: one server for the monitor and the engine services."""

    def __init__(self) -> None:
        self.monitor = _Monitor()
        self.service = _EngineService()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(self.monitor, self.server)
        engine_pb2_grpc.add_EngineServicer_to_server(self.service, self.server)
        self.address = f"127.0.0.1:{self.server.add_insecure_port('127.0.0.1:0')}"
        self.server.start()

    @contextmanager
    def recording(self, stack: str) -> Iterator[Capture]:
        capture = Capture()
        self.monitor.current = RecordingMonitor(KmsMocks(capture), stack=stack, project=PROJECT)
        try:
            yield capture
        finally:
            self.monitor.current = None

    def stop(self) -> None:
        self.server.stop(grace=None)


class ServedProvider:
    """The plugin folder running in a subprocess; `close()` always kills it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the process, in close()
        self.process = subprocess.Popen(
            [sys.executable, str(PLUGIN_DIR), engine.address],
            cwd=PLUGIN_DIR,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self._port()}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _port(self) -> int:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], DEADLINE)
        line = self.process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            self.close()
            raise AssertionError(f"the provider printed no port: {line!r}\n{self.errors()}")
        return int(line)

    def errors(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def schema(self) -> dict[str, Any]:
        response = self.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=DEADLINE)
        loaded: dict[str, Any] = json.loads(response.schema)
        return loaded

    def construct(
        self,
        type_: str,
        name: str,
        inputs: Mapping[str, Any],
        *,
        stack: str = "dev",
        config: Mapping[str, str] | None = None,
        protect: bool | None = None,
    ) -> tuple[Capture, dict[str, Any]]:
        """Construct `type_` as the engine would for a program's resource; the registrations and
        the returned state (camelCase, as other languages read it). A refusal raises `grpc.RpcError`
        with the registrations made before it as `capture`."""
        struct = struct_pb2.Struct()
        struct.update(dict(inputs))
        with self.engine.recording(stack) as capture, _attached(capture):
            response = self.stub.Construct(
                provider_pb2.ConstructRequest(
                    project=PROJECT,
                    stack=stack,
                    organization="organization",
                    config=dict(config or {}),
                    dryRun=False,
                    parallel=1,
                    monitorEndpoint=self.engine.address,
                    type=type_,
                    name=name,
                    parent=stack_urn(stack),
                    inputs=struct,
                    protect=protect,
                    accepts_output_values=True,
                ),
                timeout=DEADLINE,
            )
        state: dict[str, Any] = json_format.MessageToDict(response.state)
        return capture, state

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.wait(timeout=DEADLINE)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.stderr.close()


@contextmanager
def _attached(capture: Capture) -> Iterator[None]:
    """A failed call carries what was registered before it failed (`exc.capture`), as `run` does."""
    try:
        yield
    except grpc.RpcError as exc:
        exc.capture = capture  # type: ignore[attr-defined]
        raise


def to_wire(data: Any, schema: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    """Spec data (snake_case) as another language sends it: property names camelCased by the schema,
    map keys (tags, context, conditions, generations) left alone. A name the schema lacks fails."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        wire = camel_case(name)
        assert wire in properties, f"{name}: the schema has no property {wire}"
        out[wire] = _value(value, schema, properties[wire])
    return out


def _value(value: Any, schema: Mapping[str, Any], prop: Mapping[str, Any]) -> Any:
    if "$ref" in prop:
        target = schema["types"][prop["$ref"].removeprefix("#/types/")]
        return to_wire(value, schema, target["properties"]) if "properties" in target else value
    if prop.get("type") == "array":
        return [_value(v, schema, prop["items"]) for v in value]
    if prop.get("type") == "object" and "additionalProperties" in prop:
        return {k: _value(v, schema, prop["additionalProperties"]) for k, v in value.items()}
    return value


Comparable = tuple[str, str, str, bool, str, bool, bool, str, tuple[str, ...]]


def comparable(capture: Capture, tokens: Callable[[str], str] = lambda t: t) -> list[Comparable]:
    """Every registration as (type, name, parent name, custom, inputs, protect, retain, provider,
    dependency names): what must agree between the provider's registrations and a Python program's.
    URNs are left out (the component's type token is in them); `tokens` maps one token to the other.
    protect and retain are compared as the engine reads them, unset being False: a hosted component
    gets an explicit False from the provider server, which its children inherit."""
    names = {r.urn: r.name for r in capture.resources}
    return sorted(
        (
            tokens(r.type),
            r.name,
            names.get(r.parent, ""),
            r.custom,
            json.dumps(r.inputs, sort_keys=True),
            bool(r.protect),
            bool(r.retain_on_delete),
            r.provider,
            tuple(sorted(names.get(d, d) for d in r.dependencies)),
        )
        for r in capture.resources
    )
