"""The access model as JSON (the report's `access` list) and back, for diffs against a baseline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kmsguard.gate.access.model import AccessEntry, principal_kind


def entry_json(entry: AccessEntry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "key_name": entry.key_name,
        "principal": entry.principal,
        "principal_kind": principal_kind(entry.principal),
        "capabilities": [c.value for c in entry.capabilities],
        "controls_key": entry.controls_key,
        "conditions": {
            capability.value: [[r.as_json() for r in alternative] for alternative in alternatives]
            for capability, alternatives in entry.conditions
        },
        "unresolved": entry.unresolved,
    }


def entries_json(entries: Iterable[AccessEntry]) -> list[dict[str, Any]]:
    return [entry_json(e) for e in entries]


Requirement = tuple[str, str, str, str, tuple[str, ...]]
Alternatives = frozenset[frozenset[Requirement]]
#: (key, principal, capability) → the alternatives under which it holds.
Atoms = dict[tuple[str, str, str], Alternatives]


def _requirement(raw: Mapping[str, Any]) -> Requirement:
    return (
        str(raw["kind"]),
        str(raw["summary"]),
        str(raw.get("operator", "")),
        str(raw.get("key", "")),
        tuple(str(v) for v in raw.get("values", ())),
    )


def atoms(entries: Iterable[Mapping[str, Any]]) -> tuple[Atoms, dict[str, str]]:
    """Each capability a principal holds on a key, and each key's name (for sentences)."""
    found: Atoms = {}
    names: dict[str, str] = {}
    for entry in entries:
        names[entry["key"]] = entry.get("key_name") or entry["key"]
        conditions = entry.get("conditions") or {}
        for capability in entry["capabilities"]:
            raw = conditions.get(capability) or [[]]
            found[(entry["key"], entry["principal"], capability)] = frozenset(
                frozenset(_requirement(r) for r in alternative) for alternative in raw
            )
    return found, names


def requirement_json(requirement: Requirement) -> dict[str, Any]:
    kind, summary, operator, key, values = requirement
    out: dict[str, Any] = {"kind": kind, "summary": summary}
    if key:
        out |= {"operator": operator, "key": key, "values": list(values)}
    return out


def alternatives_json(alternatives: Alternatives) -> list[list[dict[str, Any]]]:
    ordered = sorted(sorted(a) for a in alternatives)
    return [[requirement_json(r) for r in alternative] for alternative in ordered]
