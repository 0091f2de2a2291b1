"""Evaluate captured resources with the pack's rule predicates, the way the pack sees them.

The pack receives camelCase inputs with numbers as doubles, the stack's config as `PULUMI_CONFIG`
and its own config from `stacks/policy-config.<stack>.json` (policy name → properties) merged over
each rule's defaults. This is the early check; the gate (tests/gate) drives the real pack over gRPC.
"""

from __future__ import annotations

import json
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


def policy_config(stack: str) -> dict[str, dict[str, Any]]:
    path = STACKS / f"policy-config.{stack}.json"
    loaded: dict[str, dict[str, Any]] = json.loads(path.read_text()) if path.exists() else {}
    return loaded


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
    configured = policy_config(stack)
    out: dict[str, list[str]] = {}
    for rule in all_rules():
        own = configured.get(rule.meta.name, {})
        settings = {k: v for k, v in own.items() if k != "enforcementLevel"} if isinstance(own, dict) else {}
        context = Context(
            stack=stack,
            project="kmsguard",
            config={**rule.meta.config_defaults(), **settings},
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
