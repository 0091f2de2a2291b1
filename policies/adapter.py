"""Turns kmsguard rules into `pulumi_policy` policies. With `sdk_memo`, the only modules of the pack
that know the SDK."""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Severity as SdkSeverity

from .rule import (
    UNKNOWN,
    Context,
    Enforcement,
    Outcome,
    Resource,
    ResourceRule,
    Rule,
    RuleMeta,
    Severity,
    StackRule,
)
from .sentinels import UNKNOWN_SENTINELS

_SEVERITY = {
    Severity.LOW: SdkSeverity.LOW,
    Severity.MEDIUM: SdkSeverity.MEDIUM,
    Severity.HIGH: SdkSeverity.HIGH,
    Severity.CRITICAL: SdkSeverity.CRITICAL,
}
_ENFORCEMENT = {
    Enforcement.ADVISORY: EnforcementLevel.ADVISORY,
    Enforcement.MANDATORY: EnforcementLevel.MANDATORY,
    Enforcement.REMEDIATE: EnforcementLevel.REMEDIATE,
    Enforcement.DISABLED: EnforcementLevel.DISABLED,
}


def to_policies(rules: Sequence[Rule]) -> list[Policy]:
    return [_to_policy(rule) for rule in rules]


def _to_policy(rule: Rule) -> Policy:
    meta = rule.meta
    common: dict[str, Any] = {
        "name": meta.name,
        "description": meta.description,
        "enforcement_level": _ENFORCEMENT[meta.default_enforcement],
        "config_schema": PolicyConfigSchema(properties={k: dict(v) for k, v in meta.config_schema.items()})
        if meta.config_schema
        else None,
        "display_name": meta.title,
        "severity": _SEVERITY[meta.severity],
        "framework": _framework(meta),
        "tags": _tags(meta),
        "remediation_steps": meta.remediation,
        "url": meta.url,
    }
    if isinstance(rule, StackRule):
        return StackValidationPolicy(validate=_stack_validator(rule), **common)
    return ResourceValidationPolicy(
        validate=_resource_validator(rule),
        remediate=_remediator(rule) if rule.remediate is not None else None,
        **common,
    )


def _framework(meta: RuleMeta) -> PolicyComplianceFramework | None:
    if not meta.frameworks:
        return None
    first = meta.frameworks[0]
    return PolicyComplianceFramework(
        name=first.name, version=first.version, reference=first.reference, specification=first.specification
    )


def _tags(meta: RuleMeta) -> list[str]:
    """The id, the frameworks, and the type tokens of the resources the rule judges: a driver (the
    gate, a report) learns from GetAnalyzerInfo which resources each policy evaluates."""
    frameworks = sorted({f"{f.name} {f.reference}" for f in meta.frameworks})
    return ["kms", meta.id, *frameworks, *meta.resource_types]


def _resource_validator(rule: ResourceRule) -> Any:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        result = rule.check(_resource(args), _context(rule.meta, args.get_config()))
        if result.outcome is Outcome.NOT_APPLICABLE:
            args.not_applicable(result.reason)
        for finding in result.findings:
            report_violation(finding.message, None)

    return validate


def _remediator(rule: ResourceRule) -> Any:
    assert rule.remediate is not None
    remediate = rule.remediate

    def fix(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        if not rule.applies_to(args.resource_type):
            return None
        fixed = remediate(_resource(args), _context(rule.meta, args.get_config()))
        return dict(fixed) if fixed is not None else None

    return fix


def _stack_validator(rule: StackRule) -> Any:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = _stack_resources(args)
        result = rule.check(resources, _context(rule.meta, args.get_config()))
        for finding in result.findings:
            report_violation(finding.message, finding.urn)

    return validate


class _StackCache(threading.local):
    """The last stack decoded on this thread, with the SDK property objects it was decoded from."""

    def __init__(self) -> None:
        self.sources: tuple[Any, ...] = ()
        self.resources: tuple[Resource, ...] = ()


_STACK_CACHE: Final = _StackCache()


def _stack_resources(args: StackValidationArgs) -> tuple[Resource, ...]:
    """Decoded once per AnalyzeStack request: with `sdk_memo` installed, every stack policy of a request
    sees the very same property objects, so the decoded stack (and what rules index on it, keyed by its
    identity) is shared instead of rebuilt per policy. Without it, each policy decodes its own."""
    sources = tuple((r.props, r.urn) for r in args.resources)
    cache = _STACK_CACHE
    if len(cache.sources) == len(sources) and all(
        a[0] is b[0] and a[1] == b[1] for a, b in zip(cache.sources, sources, strict=True)
    ):
        return cache.resources
    cache.resources = _decode_stack(args)
    cache.sources = sources
    return cache.resources


def _decode_stack(args: StackValidationArgs) -> tuple[Resource, ...]:
    return tuple(
        Resource(
            r.resource_type,
            r.name,
            r.urn,
            _plain_decoded(r.props),
            parent=_parent_urn(r),
            dependencies=tuple(d.urn for d in (getattr(r, "dependencies", None) or [])),
            property_dependencies={
                name: tuple(d.urn for d in deps)
                for name, deps in (getattr(r, "property_dependencies", None) or {}).items()
            },
        )
        for r in args.resources
    )


def _resource(args: ResourceValidationArgs) -> Resource:
    return Resource(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=_plain_decoded(args.props),
        parent=args.opts.parent if args.opts is not None else None,
    )


def _parent_urn(resource: Any) -> str | None:
    parent = getattr(resource, "parent", None)
    return getattr(parent, "urn", None) if parent is not None else None


def _context(meta: RuleMeta, config: Mapping[str, Any] | None) -> Context:
    # The CLI reconciles schema defaults before Configure; merging them again keeps the rule
    # correct when a driver (an older CLI, a test) sends less.
    merged = {**meta.config_defaults(), **dict(config or {})}
    return Context(
        stack=os.environ.get("PULUMI_STACK", ""),
        project=os.environ.get("PULUMI_PROJECT", ""),
        config=merged,
        stack_config=_stack_config(),
    )


def _stack_config() -> Mapping[str, Any]:
    return _decoded_stack_config(os.environ.get("PULUMI_CONFIG", ""))


@functools.lru_cache(maxsize=4)
def _decoded_stack_config(raw: str) -> Mapping[str, Any]:
    """Parsed once per distinct value, not once per rule per resource; read-only as it is shared."""
    try:
        decoded = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return MappingProxyType(decoded) if isinstance(decoded, dict) else {}


def _plain_decoded(value: Any) -> Any:
    """Strip the SDK's unknown-checking proxies so rules see raw values (and decide on unknowns),
    with the wire's unknown sentinels replaced by `UNKNOWN` in the same pass (= `decode_unknowns`)."""
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, dict):
        return {k: _plain_decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_decoded(v) for v in value]
    if isinstance(value, Mapping | Sequence) and not isinstance(value, bytes):
        # The SDK's _DictProxy/_ListProxy hand out their wrapped value under this key.
        target: Any = value
        return _plain_decoded(target["__target"])
    return value
