"""Which alias points at which key, and which replica belongs to which primary, in a whole stack.

AnalyzeStack sends resource OUTPUTS, so an alias's `targetKeyId` (or `targetKeyArn`) can be compared
with a key's `id`, `keyId` and `arn`, and a replica's `primaryKeyArn` with its primary's `arn`. During
preview those outputs may be unknown; then the link falls back to the graph: the alias (or replica)
depends on the key when the driver sends dependencies, else both are children of the same component
(or the alias is the key's own child). Shared by the stack rules; not a rule module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from kmsguard_policies.catalogue import ALIAS_TYPE, ALL_KEY_TYPES
from kmsguard_policies.rule import Resource

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


def _linked(child: Resource, wanted: frozenset[str], keys: Sequence[Resource]) -> list[Resource]:
    matched = [k for k in keys if wanted & key_identifiers(k)]
    if matched:
        return matched
    # Only where one side cannot be compared does the graph decide; a known mismatch stays a mismatch.
    return [k for k in keys if (not wanted or not key_identifiers(k)) and structurally_linked(child, k)]


def keys_of_alias(alias: Resource, keys: Sequence[Resource]) -> list[Resource]:
    """The keys (of any kind) the alias points at: normally one, several only when the graph is ambiguous."""
    return _linked(alias, _known_strings(alias, ALIAS_TARGET_PROPS), keys)


def primaries_of_replica(replica: Resource, primaries: Sequence[Resource]) -> list[Resource]:
    return _linked(replica, _known_strings(replica, ("primaryKeyArn",)), primaries)


def aliases(resources: Sequence[Resource]) -> list[Resource]:
    return [r for r in resources if r.type == ALIAS_TYPE]


def keys(resources: Sequence[Resource], types: Sequence[str] = ALL_KEY_TYPES) -> list[Resource]:
    return [r for r in resources if r.type in types]


def alias_name(alias: Resource) -> str | None:
    """The alias's name when known (AnalyzeStack sends the generated name for `namePrefix` aliases)."""
    name = alias.props.get("name")
    return name if isinstance(name, str) and name else None
