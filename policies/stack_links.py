"""Which alias points at which key, and which replica belongs to which primary, in a whole stack.

AnalyzeStack sends resource OUTPUTS, so an alias's `targetKeyId` (or `targetKeyArn`) can be compared
with a key's `id`, `keyId` and `arn`, a replica's `primaryKeyArn` with its primary's `arn`, and an
`aws.kms.KeyPolicy`'s `keyId` with the key's identifiers. During
preview those outputs may be unknown; then the link falls back to the graph: the alias (or replica)
depends on the key when the driver sends dependencies, else both are children of the same component
(or the alias is the key's own child). Shared by the stack rules; not a rule module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

from .facts import ALIAS_TYPE, ALL_KEY_TYPES, KEY_POLICY_TYPE
from .rule import Resource

KEY_IDENTIFIER_PROPS: Final = ("id", "keyId", "arn")
ALIAS_TARGET_PROPS: Final = ("targetKeyId", "targetKeyArn")


def _known_strings(resource: Resource, names: Iterable[str]) -> frozenset[str]:
    return frozenset(v for n in names if isinstance(v := resource.props.get(n), str) and v)


def key_identifiers(key: Resource) -> frozenset[str]:
    return _known_strings(key, KEY_IDENTIFIER_PROPS)


def structurally_linked(child: Resource, key: Resource) -> bool:
    """The preview fallback: dependencies when sent, else a shared parent component (or the key as parent)."""
    if child.dependencies:
        return key.urn in child.dependencies
    return child.parent is not None and child.parent in (key.parent, key.urn)


class KeyIndex:
    """Keys indexed by identifier, URN and parent, so linking one alias or replica costs a few dict
    look-ups instead of a scan of every key: a stack with thousands of keys stays linear."""

    def __init__(self, keys: Sequence[Resource]) -> None:
        self.keys = tuple(keys)
        self._identifiers = [key_identifiers(k) for k in self.keys]
        self._by_identifier: dict[str, list[int]] = defaultdict(list)
        self._by_urn: dict[str, list[int]] = defaultdict(list)
        self._by_parent: dict[str, list[int]] = defaultdict(list)
        for position, (key, identifiers) in enumerate(zip(self.keys, self._identifiers, strict=True)):
            for identifier in identifiers:
                self._by_identifier[identifier].append(position)
            self._by_urn[key.urn].append(position)
            if key.parent is not None:
                self._by_parent[key.parent].append(position)

    def linked(self, child: Resource, wanted: frozenset[str]) -> list[Resource]:
        matched = {p for w in wanted for p in self._by_identifier.get(w, ())}
        if matched:
            return [self.keys[p] for p in sorted(matched)]
        # Only where one side cannot be compared does the graph decide; a known mismatch stays a mismatch.
        if child.dependencies:
            candidates = {p for d in child.dependencies for p in self._by_urn.get(d, ())}
        elif child.parent is not None:
            candidates = {*self._by_parent.get(child.parent, ()), *self._by_urn.get(child.parent, ())}
        else:
            return []
        return [self.keys[p] for p in sorted(candidates) if not wanted or not self._identifiers[p]]


def _index(keys: Sequence[Resource] | KeyIndex) -> KeyIndex:
    return keys if isinstance(keys, KeyIndex) else KeyIndex(keys)


def keys_of_alias(alias: Resource, keys: Sequence[Resource] | KeyIndex) -> list[Resource]:
    """The keys (of any kind) the alias points at: normally one, several only when the graph is ambiguous.
    Pass a `KeyIndex` when linking many aliases against the same keys."""
    return _index(keys).linked(alias, _known_strings(alias, ALIAS_TARGET_PROPS))


def primaries_of_replica(replica: Resource, primaries: Sequence[Resource] | KeyIndex) -> list[Resource]:
    return _index(primaries).linked(replica, _known_strings(replica, ("primaryKeyArn",)))


def aliases(resources: Sequence[Resource]) -> list[Resource]:
    return [r for r in resources if r.type == ALIAS_TYPE]


def keys(resources: Sequence[Resource], types: Sequence[str] = ALL_KEY_TYPES) -> list[Resource]:
    return [r for r in resources if r.type in types]


def alias_name(alias: Resource) -> str | None:
    """The alias's name when known (AnalyzeStack sends the generated name for `namePrefix` aliases)."""
    name = alias.props.get("name")
    return name if isinstance(name, str) and name else None


def key_policies_by_key(
    resources: Sequence[Resource], keys: Sequence[Resource] | KeyIndex
) -> dict[str, list[Resource]]:
    """Key URN → the `aws.kms.KeyPolicy` resources that set its policy (by `keyId`, else the graph)."""
    index = _index(keys)
    found: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.type == KEY_POLICY_TYPE:
            for key in index.linked(resource, _known_strings(resource, ("keyId",))):
                found[key.urn].append(resource)
    return dict(found)
