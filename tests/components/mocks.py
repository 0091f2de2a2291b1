"""A mock Pulumi runtime that records every RegisterResource request the way the engine sees it.

The SDK's `MockMonitor` builds URNs from the last parent segment only and hides parents and
options from `Mocks.new_resource`; tests here assert exact children, parents and options, so this
monitor records the requests themselves (type, name, parent URN, camelCase inputs, protect,
retainOnDelete, provider) and builds engine-style URNs (the full `$`-joined type chain, root Stack
left out). No credentials, no CLI: `aws.get_caller_identity` and `aws.get_partition` are answered
here, and every resource gets an id and the ARN-ish outputs the components read.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.sync_await import _ensure_event_loop

from kmsguard.gate.mocks import CALLER_IDENTITY_TOKEN, PARTITION_TOKEN
from kmsguard.policies.facts import ALIAS_TYPE, GRANT_TYPE, RESOURCE_ARNS

MOCK_ACCOUNT = "123456789012"
MOCK_PARTITION = "aws"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Registered:
    """One RegisterResource request: what the engine (and a policy pack) would see."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: Mapping[str, Any]
    protect: bool | None
    retain_on_delete: bool | None
    provider: str
    #: URNs of the resources it was declared to depend on (depends_on and input dependencies).
    dependencies: tuple[str, ...] = ()


@dataclass
class Capture:
    resources: list[Registered] = field(default_factory=list)
    #: component URN → the outputs it registered.
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    invokes: list[str] = field(default_factory=list)
    #: What the program exported (`pulumi.export`), resolved.
    exports: dict[str, Any] = field(default_factory=dict)
    #: (type, name) → the outputs the mock provider gave the resource (what AnalyzeStack sees).
    states: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> Registered:
        found = [r for r in self.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name!r}, found {len(found)}"
        return found[0]

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.type for r in self.resources))

    def children_of(self, parent: Registered) -> list[Registered]:
        return [r for r in self.resources if r.parent == parent.urn]

    def tree(self) -> set[tuple[str, str, str]]:
        """(type, name, parent name) for every resource; the Stack's children have parent ''."""
        by_urn = {r.urn: r.name for r in self.resources}
        return {(r.type, r.name, by_urn.get(r.parent, "")) for r in self.resources}


class KmsMocks(Mocks):
    """Answers invokes and gives each resource the outputs the real provider would compute."""

    def __init__(self, capture: Capture, account: str = MOCK_ACCOUNT, partition: str = MOCK_PARTITION):
        self.capture = capture
        self.account = account
        self.partition = partition

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.capture.invokes.append(args.token)
        if args.token == CALLER_IDENTITY_TOKEN:
            arn = f"arn:{self.partition}:sts::{self.account}:assumed-role/PulumiDeployer/session"
            return {
                "accountId": self.account,
                "arn": arn,
                "userId": "AROAEXAMPLE:session",
                "id": self.account,
            }, []
        if args.token == PARTITION_TOKEN:
            return {"partition": self.partition, "dnsSuffix": "amazonaws.com", "id": self.partition}, []
        return {}, []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        region = args.inputs.get("region", "eu-west-1")
        ident = f"{args.name}-id"
        state = dict(args.inputs)
        if args.typ.startswith("aws:kms/") and "Key" in args.typ.split(":")[-1]:
            ident = key_id(args.name)
            state |= {"arn": f"arn:{self.partition}:kms:{region}:{self.account}:key/{ident}", "keyId": ident}
        elif args.typ == ALIAS_TYPE:
            state |= {"arn": f"arn:{self.partition}:kms:{region}:{self.account}:{args.inputs.get('name')}"}
        elif args.typ == GRANT_TYPE:
            state |= {"grantId": f"grant-{ident}", "grantToken": "token"}
        elif not args.typ.startswith("aws:kms/"):
            # Autonamed resources get their name as the provider would give it, and an ARN.
            service = args.typ.split(":")[1].split("/")[0]
            state.setdefault("name", args.name)
            arn = f"arn:{self.partition}:{service}:{region}:{self.account}:{args.name}"
            if args.typ in RESOURCE_ARNS and isinstance(state["name"], str):
                # The shape AWS gives them: the pack matches key-policy conditions against these (KG-S06).
                known = {"partition": self.partition, "region": region, "account": self.account}
                arn = RESOURCE_ARNS[args.typ].format_map({**state, **known})
            state.setdefault("arn", arn)
        self.capture.states[(args.typ, args.name)] = state
        return ident, state


def key_id(name: str) -> str:
    """The id a key named `name` gets: a UUID, as KMS gives (rules read key ids by their shape)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kmsguard-test-key/{name}"))


def _qualified_type(urn: str) -> str:
    return urn.split("::")[2]


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: KmsMocks, *, stack: str | None = None, project: str | None = None) -> None:
        super().__init__(mocks)
        self.capture = mocks.capture
        # None: the mock runtime's own (a program in this process); a monitor served over gRPC to
        # another process (tests/components/provider) has no runtime here to ask.
        self.stack = stack
        self.project = project

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent and _qualified_type(parent) != STACK_TYPE:
            qualified = f"{_qualified_type(parent)}${type_}"
        stack = self.stack or runtime_settings.get_stack()
        project = self.project or runtime_settings.get_project()
        return "::".join(["urn:pulumi:" + stack, project, qualified, name])

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != STACK_TYPE:
            _ensure_event_loop()
            self.capture.resources.append(
                Registered(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    custom=bool(request.custom),
                    inputs=rpc.deserialize_properties(request.object),
                    protect=request.protect if request.HasField("protect") else None,
                    retain_on_delete=request.retainOnDelete if request.HasField("retainOnDelete") else None,
                    provider=request.provider,
                    dependencies=tuple(request.dependencies),
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        _ensure_event_loop()
        self.capture.outputs[request.urn] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)


def run(
    program: Callable[[], Any],
    *,
    stack: str = "dev",
    project: str = "kmsguard",
    config: Mapping[str, str] | None = None,
    account: str = MOCK_ACCOUNT,
) -> Capture:
    """Run `program` under the recording mock runtime and return what it registered.

    Exceptions from the program propagate after the runtime has settled; the capture made so far
    is attached to the exception as `capture` so tests can assert nothing was registered.
    """
    capture = Capture()
    # A fresh root Stack per run, so parents carry this run's stack name.
    runtime_settings.ROOT.set(None)
    mocks = KmsMocks(capture, account)
    pulumi.runtime.set_mocks(mocks, project, stack, False, monitor=RecordingMonitor(mocks))
    runtime_config.set_all_config(dict(config or {}))

    @pulumi.runtime.test  # type: ignore[misc]
    def _run() -> Any:
        program()
        # Exports land on the root Stack, which the mock runtime never re-registers: resolve them here.
        root = runtime_settings.get_root_resource()
        exported = dict(getattr(root, "outputs", {}) or {})
        return pulumi.Output.from_input(exported).apply(capture.exports.update)

    try:
        _run()
    except BaseException as exc:
        exc.capture = capture  # type: ignore[attr-defined]
        raise
    return capture
