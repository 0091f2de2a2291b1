"""The plan summary every report shares: resources by type, and each KMS key with what protects it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.model import SEVERITIES, GateResult, Violation
from kmsguard.policies.facts import ALIAS_TYPE, PRIMARY_KEY_TYPES, REPLICA_KEY_TYPES
from kmsguard.policies.policydoc import PolicyParseError, parse_policy_document


@dataclass
class KeyLine:
    name: str
    urn: str
    aliases: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    rotation: str = "off"
    roles: list[str] = field(default_factory=list)


def by_type(result: GateResult) -> dict[str, int]:
    counts = Counter(r.type for r in result.resources if r.type != "pulumi:pulumi:Stack")
    return dict(sorted(counts.items()))


def keys(result: GateResult) -> list[KeyLine]:
    outputs = {r.urn: _outputs(r, _READ[r.type]) for r in result.resources if r.type in _READ}
    lines: dict[str, KeyLine] = {}
    handles: dict[str, KeyLine] = {}
    for r in result.resources:
        if r.type in PRIMARY_KEY_TYPES:
            out = outputs[r.urn]
            line = KeyLine(r.name, r.urn, regions=[str(out.get("region", ""))], rotation=_rotation(out))
            line.roles = _roles(out.get("policy"))
            lines[r.urn] = line
            for handle in ("id", "keyId", "arn"):
                if isinstance(out.get(handle), str):
                    handles[out[handle]] = line
    for r in result.resources:
        if r.type in REPLICA_KEY_TYPES:
            out = outputs[r.urn]
            primary = handles.get(str(out.get("primaryKeyArn")))
            if primary is not None:
                primary.regions.append(str(out.get("region", "")))
                for handle in ("arn",):
                    if isinstance(out.get(handle), str):
                        handles[out[handle]] = primary
    for r in result.resources:
        if r.type == ALIAS_TYPE:
            out = outputs[r.urn]
            target = handles.get(str(out.get("targetKeyId"))) or handles.get(str(out.get("targetKeyArn")))
            if target is not None:
                target.aliases.append(f"{out.get('name')} ({out.get('region')})")
    return sorted(lines.values(), key=lambda k: k.urn)


#: The outputs `keys` reads, by resource type.
_READ: Final[dict[str, tuple[str, ...]]] = {
    **dict.fromkeys(
        PRIMARY_KEY_TYPES,
        ("region", "enableKeyRotation", "rotationPeriodInDays", "policy", "id", "keyId", "arn"),
    ),
    **dict.fromkeys(REPLICA_KEY_TYPES, ("primaryKeyArn", "region", "arn")),
    ALIAS_TYPE: ("targetKeyId", "targetKeyArn", "name", "region"),
}


def _outputs(resource: Captured, names: tuple[str, ...]) -> dict[str, Any]:
    """`wire.to_python(resource.outputs)` restricted to `names`. Converting only what the plan reads
    matters on large stacks: outputs also hold tags and other values it never looks at."""
    fields = resource.outputs.fields
    # Readable: a secret alias name or policy shows as `[secret]`, an unknown as `[unknown]`.
    return {name: wire.readable(wire.value_to_python(fields[name])) for name in names if name in fields}


def _rotation(out: dict[str, Any]) -> str:
    if out.get("enableKeyRotation") is not True:
        return "off"
    period = out.get("rotationPeriodInDays")
    return f"every {int(period)} days" if isinstance(period, int | float) else "yearly"


def _roles(policy: Any) -> list[str]:
    """The Sids of the key policy: kmsguard's builders name one statement per role."""
    if policy in (wire.SECRET_TEXT, wire.UNKNOWN_TEXT):
        return [policy]  # not unparseable: unreadable here (a secret) or not known yet
    if isinstance(policy, str):
        return list(_text_roles(policy))
    if isinstance(policy, dict):
        return list(_document_roles(policy))
    return []


@lru_cache(maxsize=64)
def _text_roles(policy: str) -> tuple[str, ...]:
    # The keys of a catalog mostly share a few policy texts: each is parsed once, not once per key.
    return _document_roles(policy)


def _document_roles(policy: str | dict[str, Any]) -> tuple[str, ...]:
    try:
        document = parse_policy_document(policy)
    except (PolicyParseError, RecursionError):
        return ("(unparseable policy)",)
    return tuple(s.sid for s in document.statements if s.sid)


def grouped(violations: list[Violation]) -> list[tuple[str, list[Violation]]]:
    groups = [(s, [v for v in violations if v.severity == s]) for s in SEVERITIES]
    return [(s, vs) for s, vs in groups if vs]


def short_message(result: GateResult, violation: Violation) -> str:
    """The finding itself: the SDK prefixes every message with the policy's description."""
    meta = result.policy(violation.policy)
    if meta is not None and violation.message.startswith(meta.description + "\n"):
        return violation.message[len(meta.description) + 1 :]
    return violation.message


def resource_name(resources: list[Captured], urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "(stack)"
