"""The pack started exactly as the Pulumi CLI starts it, driven over the Analyzer protocol."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kmsguard.gate import pack, project, wire
from kmsguard.gate.policyconfig import reconcile
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE
from kmsguard.policies.registry import all_rules
from kmsguard.policies.rule import Enforcement, StackRule

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
STACK = "urn:pulumi:dev::grpctest::pulumi:pulumi:Stack::grpctest-dev"
KEY = "urn:pulumi:dev::grpctest::aws:kms/key:Key::bad"
ALIAS = "urn:pulumi:dev::grpctest::aws:kms/alias:Alias::bad"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    directory = tmp_path_factory.mktemp("grpctest")
    (directory / "Pulumi.yaml").write_text("name: grpctest\nruntime: python\n")
    (directory / "__main__.py").write_text("")
    (directory / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds: ['111122223333']\n"
    )
    stack = project.load(directory, "dev")
    process = pack.PackProcess(ROOT / "policies", stack)
    process.start()
    connected = pack.PackClient(process.port)
    try:
        connected.configure_stack(stack)
        yield connected
    finally:
        connected.close()
        process.stop()


def _resource(urn: str, type_: str, props: dict[str, Any], parent: str = STACK) -> pack.Captured:
    struct = wire.from_python(props)
    return pack.Captured(
        urn=urn,
        type=type_,
        name=urn.rsplit("::", 1)[-1],
        custom=True,
        parent=parent,
        inputs=struct,
        outputs=struct,
    )


def test_analyzer_info_lists_every_rule(client: Any) -> None:
    info = client.analyzer_info()
    listed = {p.name: p for p in info.policies}
    assert info.name == "kmsguard"
    assert set(listed) == {r.meta.name for r in all_rules()}
    for rule in all_rules():
        policy = listed[rule.meta.name]
        assert pack.SEVERITY[policy.severity] == rule.meta.severity.value
        assert pack.ENFORCEMENT[policy.enforcementLevel] == rule.meta.default_enforcement.value
        assert wire.to_python(policy.configSchema.properties) == {
            k: dict(v) for k, v in rule.meta.config_schema.items()
        }
        assert (policy.policy_type == 2) == isinstance(rule, StackRule)
        assert rule.meta.id in policy.tags
    # What the gate reads back from the wire: each policy judges exactly its rule's resource types.
    read = {p.name: p.resource_types for p in pack.policies_of(info)}
    assert read == {r.meta.name: frozenset(r.meta.resource_types) for r in all_rules()}


def test_analyze_and_analyze_stack_report_the_violations(client: Any) -> None:
    info = client.analyzer_info()
    client.configure(reconcile(pack.policies_of(info), pack.initial_config(info), {}))
    key = _resource(
        KEY, KEY_TYPE, {"description": "bad", "enableKeyRotation": False, "deletionWindowInDays": 30}
    )
    alias = _resource(ALIAS, ALIAS_TYPE, {"name": "alias/dev-orders-payments", "targetKeyId": "other"})
    found = pack.diagnostics(client.analyze(key, None).result())
    rotation = [d for d in found if d.policy == "kms-key-requires-rotation"]
    assert [(d.enforcement, d.severity, d.urn) for d in rotation] == [("mandatory", "high", "")]
    assert rotation[0].message.endswith("automatic rotation is off; set enableKeyRotation to true")
    assert not [
        d
        for d in pack.diagnostics(client.analyze(alias, None).result())
        if d.policy == "kms-key-requires-rotation"
    ]
    stack_found = pack.diagnostics(client.analyze_stack([key, alias], {}))
    assert all(
        d.policy in {r.meta.name for r in all_rules() if isinstance(r, StackRule)} for d in stack_found
    )
    # The alias does not target the key, so the key has no conventional alias (KG-S01) when that rule exists.
    if any(r.meta.id == "KG-S01" for r in all_rules()):
        assert [(d.policy, d.urn) for d in stack_found if d.policy == "kms-stack-requires-key-alias"] == [
            ("kms-stack-requires-key-alias", KEY)
        ]


def test_configure_disables_a_policy(client: Any) -> None:
    info = client.analyzer_info()
    settings = reconcile(
        pack.policies_of(info), {}, {"kms-key-requires-rotation": Enforcement.DISABLED.value}
    )
    client.configure(settings)
    key = _resource(KEY, KEY_TYPE, {"enableKeyRotation": False})
    try:
        assert "kms-key-requires-rotation" not in {
            d.policy for d in pack.diagnostics(client.analyze(key, None).result())
        }
    finally:
        client.configure(reconcile(pack.policies_of(info), {}, {}))
