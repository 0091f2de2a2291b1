"""Evaluate captured resources with the pack's rule predicates, the way the pack sees them.

The pack receives camelCase inputs with numbers as doubles and the stack's config as `PULUMI_CONFIG`;
no stack has a policy config (the deployer and the partner accounts come from the stack's config),
so each rule runs with its defaults. This is the early check; the gate (tests/gate) drives the real pack over gRPC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kmsguard.policies.registry import all_rules
from kmsguard.policies.rule import Context, Outcome, Resource, ResourceRule, StackRule
from tests.components.mocks import Registered

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def _as_wire(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {k: _as_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_wire(v) for v in value]
    return value


def as_pack_resources(
    captured: Sequence[Registered], states: Mapping[tuple[str, str], Mapping[str, Any]] | None = None
) -> list[Resource]:
    """Inputs as Analyze sees them; with `states`, outputs as AnalyzeStack sees them."""
    return [
        Resource(
            r.type,
            r.name,
            r.urn,
            _as_wire(dict((states or {}).get((r.type, r.name), r.inputs))),
            parent=r.parent or None,
        )
        for r in captured
        if r.custom
    ]


def violations(
    captured: Sequence[Registered],
    *,
    stack: str,
    stack_config: Mapping[str, str],
    states: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
) -> dict[str, list[str]]:
    """rule id → "<resource name>: <message>" for every violation of every rule; stack rules see the
    outputs in `states` when given (AnalyzeStack's view), else the inputs."""
    resources = as_pack_resources(captured)
    stack_resources = as_pack_resources(captured, states) if states is not None else resources
    out: dict[str, list[str]] = {}
    for rule in all_rules():
        context = Context(
            stack=stack,
            project="kmsguard",
            config=rule.meta.config_defaults(),
            stack_config=dict(stack_config),
        )
        found: list[str] = []
        if isinstance(rule, StackRule):
            result = rule.check(stack_resources, context)
            found = [f"{f.urn}: {f.message}" for f in result.findings]
        elif isinstance(rule, ResourceRule):
            for resource in resources:
                if rule.applies_to(resource.type):
                    result = rule.check(resource, context)
                    if result.outcome is Outcome.VIOLATION:
                        found += [f"{resource.name}: {m}" for m in result.messages]
        if found:
            out[rule.meta.id] = found
    return out
