"""What a change does to access: the report's `access_changes`, against a baseline report.

Compared one (key, principal, capability) at a time. A capability that appears is *gained*, one that
disappears is *lost*; one whose conditions change is *narrowed* when every new way to hold it was
already allowed by an old way (less access), *widened* in the opposite case, and *changed* when
neither holds. Gained, widened and changed go to `added`; lost and narrowed to `removed`. Changes of
one principal on one key of the same kind make one entry, so one edit to a policy shows up once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from kmsguard.gate.access.document import Alternatives, alternatives_json, atoms
from kmsguard.gate.access.vocabulary import ORDER, Capability

ADDED: Final = ("gained", "widened", "changed")
REMOVED: Final = ("lost", "narrowed")
_UNCONDITIONAL: Final[Alternatives] = frozenset({frozenset()})


def _implied(by: Alternatives, alternatives: Alternatives) -> bool:
    """Every alternative in `alternatives` demands at least what one in `by` demands."""
    return all(any(b <= a for b in by) for a in alternatives)


def _kind(before: Alternatives, after: Alternatives) -> str | None:
    if before == after:
        return None
    if _implied(before, after):
        return "narrowed"
    if _implied(after, before):
        return "widened"
    return "changed"


def diff(
    baseline: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    old, old_names = atoms(baseline)
    new, new_names = atoms(current)
    names = {**old_names, **new_names}
    grouped: dict[tuple[str, str, str], dict[str, tuple[Alternatives | None, Alternatives | None]]] = {}
    for atom in old.keys() | new.keys():
        before, after = old.get(atom), new.get(atom)
        if before is None:
            change: str | None = "gained"
        elif after is None:
            change = "lost"
        else:
            change = _kind(before, after)
        if change is not None:
            key, principal, capability = atom
            grouped.setdefault((key, principal, change), {})[capability] = (before, after)
    out: dict[str, list[dict[str, Any]]] = {"added": [], "removed": []}
    for (key, principal, change), capabilities in sorted(grouped.items()):
        caps = sorted(capabilities, key=_capability_order)
        entry: dict[str, Any] = {
            "key": key,
            "key_name": names[key],
            "principal": principal,
            "change": change,
            "capabilities": caps,
            "conditions": _conditions({c: capabilities[c][1 if change != "lost" else 0] for c in caps}),
        }
        if change not in ("gained", "lost"):
            entry["previous_conditions"] = _conditions({c: capabilities[c][0] for c in caps})
        out["added" if change in ADDED else "removed"].append(entry)
    return out


def _capability_order(name: str) -> tuple[int, str]:
    try:
        return (ORDER[Capability(name)], name)
    except ValueError:  # a capability an older or newer vocabulary knows: listed last, not dropped
        return (len(ORDER), name)


def _conditions(by_capability: Mapping[str, Alternatives | None]) -> dict[str, Any]:
    return {
        c: alternatives_json(alts)
        for c, alts in by_capability.items()
        if alts is not None and alts != _UNCONDITIONAL and frozenset() not in alts
    }
