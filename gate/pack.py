"""Start a Python policy pack exactly as the Pulumi CLI does and drive it over gRPC.

Launch: `python -u -m pulumi.policy <engine-address> .` in the pack folder, with PULUMI_CONFIG,
PULUMI_PROJECT, PULUMI_STACK, PULUMI_ORGANIZATION and PULUMI_DRY_RUN set; the first stdout line is
the port. The engine address is never dialled on the analyze path, so a placeholder is passed.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.metadata
import json
import os
import signal
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import grpc
import yaml  # type: ignore[import-untyped]
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, plugin_pb2

from kmsguard.gate import interpreter as interpreters
from kmsguard.gate import reaper, urns, wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.deadline import Deadline
from kmsguard.gate.errors import GateAbort, GateError
from kmsguard.gate.model import PolicyMeta
from kmsguard.gate.policyconfig import PolicySettings
from kmsguard.gate.project import Project

ENGINE_PLACEHOLDER: Final = "127.0.0.1:1"
START_TIMEOUT_S: Final = 60.0
ENFORCEMENT: Final = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}
ENFORCEMENT_CODE: Final = {v: k for k, v in ENFORCEMENT.items()}
SEVERITY: Final = {0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical"}


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    enforcement: str
    severity: str
    #: Empty for resource policies: the engine (here, the caller) fills in the resource's URN.
    urn: str


#: Every pack process alive in this interpreter, so each exit path can end them (see `kill_all`).
_LIVE: set[subprocess.Popen[str]] = set()
_LIVE_LOCK = threading.Lock()
#: How long a pack gets to exit after SIGTERM before its process group is killed.
STOP_GRACE_S: Final = 5.0


def kill_all() -> None:
    """SIGKILL every pack's process group: the last resort of a run that cannot end cleanly (the
    watchdog, interpreter exit). Safe from any thread."""
    with _LIVE_LOCK:
        live = list(_LIVE)
        _LIVE.clear()
    for process in live:
        _signal_group(process, signal.SIGKILL)


atexit.register(kill_all)


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


class PackProcess:
    """The pack's process; `port` is known once `start` returns.

    It runs in a session (and process group) of its own, so stopping it reaches anything it spawned,
    and a Ctrl-C meant for the gate reaches the gate, which then stops it."""

    def __init__(self, directory: Path, project: Project, deadline: Deadline | None = None) -> None:
        self.directory = directory.resolve()
        self.project = project
        self.deadline = deadline
        self.port = 0
        #: PulumiPolicy.yaml's `version`, which the CLI reports instead of the SDK's fixed "0.0.1".
        self.version = ""
        self._stderr: deque[str] = deque(maxlen=40)
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        runtime, self.version = read_manifest(self.directory)
        python = pack_interpreter(self.directory, runtime)
        env = python.environ(
            {
                **os.environ,
                "PULUMI_CONFIG": json.dumps(self.project.config),
                "PULUMI_PROJECT": self.project.name,
                "PULUMI_STACK": self.project.stack,
                "PULUMI_ORGANIZATION": self.project.organization,
                "PULUMI_DRY_RUN": "true",
            }
        )
        self._process = subprocess.Popen(
            [str(python.python), "-u", "-m", "pulumi.policy", ENGINE_PLACEHOLDER, "."],
            cwd=self.directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        with _LIVE_LOCK:
            _LIVE.add(self._process)
        reaper.register(self._process.pid)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.port = self._read_port()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def exit_status(self, wait: float = 0.0) -> str | None:
        """How the pack ended (`exited with status 1`, `was killed by SIGKILL`), None while it runs
        `wait` seconds on (a pack that just dropped its connections is usually still dying)."""
        if self._process is None:
            return None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=wait)
        code = self._process.poll()
        if code is None:
            return None
        if code < 0:
            return f"was killed by {signal.Signals(-code).name}"
        return f"exited with status {code}"

    def last_error_line(self) -> str:
        """The pack's last non-blank stderr line (a Python error's own last line names it)."""
        return next((line.strip() for line in reversed(self._stderr) if line.strip()), "")

    def _read_port(self) -> int:
        assert self._process is not None
        assert self._process.stdout is not None
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(self._process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        wait = START_TIMEOUT_S if self.deadline is None else min(START_TIMEOUT_S, self.deadline.remaining())
        reader.join(wait)
        line = found[0].strip() if found else ""
        if not (line.isdigit() and 0 < int(line) < 65536):
            self.stop()
            if not found and self.deadline is not None and self.deadline.left() <= 0:
                raise self.deadline.expired()
            if not found:
                what = f"printed no port within {wait:g} s"
            elif line:
                what = f"printed {line[:40]!r} where its port should be"
            else:
                what = "exited before printing its port"
            cause = self.last_error_line()
            raise GateError(
                f"the policy pack in {self.directory.name}/ did not start: {what}"
                + (f" ({cause})" if cause else ""),
                "run `python -m pulumi.policy 127.0.0.1:1 .` in the pack folder to see the error",
            )
        return int(line)

    def _drain_stderr(self) -> None:
        assert self._process is not None
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.rstrip())

    def stop(self) -> None:
        process = self._process
        if process is None:
            return
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        # Whatever the pack spawned shares its group and may outlive it: the group goes too.
        _signal_group(process, signal.SIGKILL)
        with _LIVE_LOCK:
            _LIVE.discard(process)
        reaper.forget(process.pid)


class PackClient:
    """The CLI's side of the Analyzer protocol. Every call carries the run's time left as its
    deadline; a failed call raises `GateError` (or `GateAbort` on the deadline) naming the call."""

    def __init__(
        self, port: int, deadline: Deadline | None = None, process: PackProcess | None = None
    ) -> None:
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.port = port
        self.deadline = deadline
        self.process = process

    def _timeout(self) -> float | None:
        return self.deadline.remaining() if self.deadline is not None else None

    def _call(self, method: Any, request: Any, during: str) -> Any:
        try:
            return method(request, timeout=self._timeout())
        except grpc.RpcError as exc:
            raise self.failure(exc, during) from None

    def failure(self, exc: grpc.RpcError, during: str) -> GateError | GateAbort:
        """What a failed call means, on one line: the deadline, a pack that died, or the pack's error."""
        code = exc.code() if isinstance(exc, grpc.Call) else None
        if code == grpc.StatusCode.DEADLINE_EXCEEDED and self.deadline is not None:
            self.deadline.phase = f"waiting for the policy pack ({during})"
            return self.deadline.expired()
        status = self.process.exit_status(wait=1.0) if self.process is not None else None
        fix = "run the pack under `pulumi preview --policy-pack` or fix the rule that fails"
        if status is not None:
            cause = self.process.last_error_line() if self.process is not None else ""
            return GateError(
                f"the policy pack {status} during {during}" + (f" ({cause})" if cause else ""), fix
            )
        details = (exc.details() if isinstance(exc, grpc.Call) else "") or ""
        first = next((line.strip() for line in details.splitlines() if line.strip()), "no details")
        name = code.name if code is not None else type(exc).__name__
        if code == grpc.StatusCode.UNAVAILABLE:
            return GateError(
                f"the policy pack does not answer on port {self.port} during {during} ({first})",
                "the pack printed a port it does not serve on; check that it is a Pulumi policy pack",
            )
        return GateError(f"the policy pack failed during {during}: {name}: {first}", fix)

    def close(self) -> None:
        self.channel.close()

    def configure_stack(self, project: Project) -> None:
        self._call(
            self.stub.ConfigureStack,
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=project.stack,
                project=project.name,
                organization=project.organization,
                dry_run=True,
                config=project.config,
                config_secret_keys=list(project.secret_keys),
            ),
            "ConfigureStack",
        )

    def analyzer_info(self) -> Any:
        return self._call(self.stub.GetAnalyzerInfo, empty_pb2.Empty(), "GetAnalyzerInfo")

    def plugin_info(self) -> Any:
        return self._call(self.stub.GetPluginInfo, empty_pb2.Empty(), "GetPluginInfo")

    def configure(self, settings: dict[str, PolicySettings]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in settings.items():
            config = request.policyConfig[name]
            config.enforcementLevel = ENFORCEMENT_CODE[entry.enforcement]
            config.properties.update(entry.properties)
        self._call(self.stub.Configure, request, "Configure")

    def analyze(self, resource: Captured, provider: analyzer_pb2.AnalyzerProviderResource | None) -> Any:
        """Start one Analyze call; the caller collects the future (calls are pipelined)."""
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=resource.inputs,
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent, protect=resource.protect),
            provider=provider,
        )
        return self.stub.Analyze.future(request, timeout=self._timeout())

    def analyze_result(self, future: Any, urn: str) -> Any:
        """The response of a call `analyze` started, or the failure it means."""
        try:
            return future.result()
        except grpc.RpcError as exc:
            raise self.failure(exc, f"Analyze of {urn}") from None

    def analyze_stack(
        self, resources: list[Captured], providers: dict[str, analyzer_pb2.AnalyzerProviderResource]
    ) -> Any:
        return self._call(self.stub.AnalyzeStack, stack_request(resources, providers), "AnalyzeStack")


def stack_request(
    resources: list[Captured], providers: dict[str, analyzer_pb2.AnalyzerProviderResource]
) -> analyzer_pb2.AnalyzeStackRequest:
    """The AnalyzeStack request the engine sends after a preview: every resource with its outputs."""
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        item = request.resources.add(
            type=r.type,
            properties=r.outputs,
            urn=r.urn,
            name=r.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=r.parent, protect=r.protect),
            parent=r.parent,
            dependencies=r.dependencies,
        )
        if r.urn in providers:
            item.provider.CopyFrom(providers[r.urn])
        for key, deps in r.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(deps)
    return request


def diagnostics(response: Any) -> list[Diagnostic]:
    return [
        Diagnostic(
            d.policyName,
            d.message,
            ENFORCEMENT.get(d.enforcementLevel, "advisory"),
            SEVERITY.get(d.severity, "unspecified"),
            d.urn,
        )
        for d in response.diagnostics
    ]


def policies_of(info: Any) -> list[PolicyMeta]:
    return [
        PolicyMeta(
            name=p.name,
            title=p.displayName or p.name,
            description=p.description,
            severity=SEVERITY.get(p.severity, "unspecified"),
            enforcement=ENFORCEMENT.get(p.enforcementLevel, "advisory"),
            remediation=p.remediation_steps,
            url=p.url,
            stack_policy=p.policy_type == analyzer_pb2.PolicyType.POLICY_TYPE_STACK,
            tags=tuple(p.tags),
            config_schema=wire.to_python(p.configSchema.properties),
            required=tuple(p.configSchema.required),
        )
        for p in info.policies
    ]


def initial_config(info: Any) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for name, entry in info.initialConfig.items():
        value: dict[str, Any] = wire.to_python(entry.properties)
        value["enforcementLevel"] = ENFORCEMENT.get(entry.enforcementLevel, "advisory")
        config[name] = value
    return config


class Providers:
    """The provider resource the engine attaches to each Analyze call: an explicit provider the
    program registered, or the engine's default provider for the resource's package."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.explicit: dict[str, analyzer_pb2.AnalyzerProviderResource] = {}
        self._defaults: dict[str, analyzer_pb2.AnalyzerProviderResource] = {}
        self._lock = threading.Lock()

    def remember(self, resource: Captured) -> None:
        if resource.type.startswith("pulumi:providers:"):
            with self._lock:
                self.explicit[resource.urn] = analyzer_pb2.AnalyzerProviderResource(
                    type=resource.type, properties=resource.inputs, urn=resource.urn, name=resource.name
                )

    def for_resource(self, resource: Captured) -> analyzer_pb2.AnalyzerProviderResource | None:
        if not resource.custom or resource.type.startswith("pulumi:"):
            return None
        if resource.provider:
            provider_urn = resource.provider.rsplit("::", 1)[0]
            with self._lock:
                return self.explicit.get(provider_urn)
        package = resource.type.split(":", 1)[0]
        with self._lock:
            if package not in self._defaults:
                self._defaults[package] = self._default(package, resource.version)
            return self._defaults[package]

    def _default(self, package: str, version: str) -> analyzer_pb2.AnalyzerProviderResource:
        name = "default_" + version.replace(".", "_").replace("-", "_") if version else "default"
        prefix = f"{package}:"
        props: dict[str, Any] = {
            k[len(prefix) :]: v for k, v in self.project.config.items() if k.startswith(prefix)
        }
        if version:
            props["version"] = version
        type_ = f"pulumi:providers:{package}"
        return analyzer_pb2.AnalyzerProviderResource(
            type=type_,
            properties=wire.from_python(props),
            urn=urns.make(self.project.stack, self.project.name, type_, name),
            name=name,
        )


def read_manifest(directory: Path) -> tuple[object, str]:
    """PulumiPolicy.yaml's `runtime` and `version` (which the CLI reports instead of the SDK's "0.0.1")."""
    manifest = directory / "PulumiPolicy.yaml"
    if not manifest.is_file():
        raise GateError(
            f"no PulumiPolicy.yaml in {directory}", "pass --policy-pack with a policy pack folder"
        )
    fields = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    runtime = fields.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise GateError(
            f"policy pack runtime {runtime_name!r} is not supported offline", "use a Python policy pack"
        )
    return runtime, str(fields.get("version") or "")


def pack_interpreter(directory: Path, runtime: object = None) -> interpreters.Interpreter:
    """The pack's Python, as the CLI picks it from PulumiPolicy.yaml (no fallback: a virtualenv it
    names must exist). The pack a non-editable kmsguard installed is the exception: it runs on the
    interpreter kmsguard is installed in, which has its requirements by construction (pulumi-policy
    is a kmsguard dependency), since nothing may be created inside site-packages."""
    directory = directory.resolve()
    if runtime is None:
        runtime, _ = read_manifest(directory)
    if directory == installed_pack():
        return interpreters.ambient("the interpreter kmsguard is installed in (the bundled pack)")
    return interpreters.resolve(
        directory,
        runtime,
        f"{directory.name}/PulumiPolicy.yaml",
        f"run `pulumi install` in {directory} (it creates the virtualenv and installs the pack's "
        "requirements.txt); in a kmsguard checkout, `make install` does it",
    )


def installed_pack() -> Path | None:
    """The pack folder a non-editable kmsguard installed (its files are in the distribution's
    RECORD); None for an editable install, whose pack is the checkout's `policies/`."""
    try:
        files = importlib.metadata.distribution("kmsguard").files or ()
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.as_posix() == "kmsguard/policies/PulumiPolicy.yaml":
            return Path(str(file.locate())).resolve().parent
    return None


def plugin_version(client: PackClient) -> str:
    info: plugin_pb2.PluginInfo = client.plugin_info()
    return str(info.version)
