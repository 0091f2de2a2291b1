"""S3: one key per data class — an alias name never spans data classes, and a key has one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..facts import (
    ALIAS_TYPE,
    ALL_KEY_TYPES,
    DATA_CLASS_TAG,
    PRIMARY_KEY_TYPES,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from ..rule import (
    PCI_KEY_ARCHITECTURE,
    Context,
    Finding,
    Resource,
    Result,
    RuleMeta,
    Severity,
    StackRule,
    violations,
)
from ..stack_links import (
    KeyIndex,
    alias_name,
    aliases,
    keys,
    keys_of_alias,
    primaries_of_replica,
)

META = RuleMeta(
    id="KG-S03",
    name="kms-stack-requires-single-data-class",
    title="One data class per key and per alias name",
    description=(
        f"Two checks over the `{DATA_CLASS_TAG}` tags of the stack's keys. (1) Every alias name, across "
        "all regions, points only at keys of one data class; each alias of such a name is blamed. (2) A "
        "replica key carries the same data class as its primary: they share key material, so they are one "
        "key. Keys without a known data class are left out (KG-R19 asks for the tag). What the rule cannot "
        "see: which data a key actually protects, or an alias whose naming merely suggests another class."
    ),
    rationale=(
        "A key protects one class of data so that its policy, rotation and audit can be set for that "
        "class. Code resolving one alias name in two regions, or a replica used as the primary, must not "
        "reach material approved for another class."
    ),
    remediation=(
        "Give each data class its own key and alias names; tag each replica with its primary's "
        f"`{DATA_CLASS_TAG}`."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
    severity=Severity.HIGH,
    resource_types=(*ALL_KEY_TYPES, ALIAS_TYPE),
    unknowns=(
        "Unknown ids and ARNs fall back to the dependency graph or the shared parent component; unknown "
        "or absent data classes and unknown alias names are left out of the comparison."
    ),
    frameworks=(PCI_KEY_ARCHITECTURE,),
)


def data_class(key: Resource) -> str | None:
    value = key.tags().get(DATA_CLASS_TAG)
    return value if isinstance(value, str) and value else None


def _alias_findings(resources: Sequence[Resource], all_keys: Sequence[Resource]) -> list[Finding]:
    by_name: dict[str, list[Resource]] = defaultdict(list)
    for alias in aliases(resources):
        if (name := alias_name(alias)) is not None:
            by_name[name].append(alias)
    index = KeyIndex(all_keys)
    findings: list[Finding] = []
    for name, group in sorted(by_name.items()):
        classes = {c for a in group for k in keys_of_alias(a, index) if (c := data_class(k)) is not None}
        if len(classes) < 2:
            continue
        listed = ", ".join(sorted(classes))
        findings.extend(
            Finding(
                f"alias name {name!r} points at keys of data classes {listed}; give each data class its "
                "own key and alias name",
                alias.urn,
            )
            for alias in group
        )
    return findings


def _replica_findings(resources: Sequence[Resource]) -> list[Finding]:
    primaries = KeyIndex(keys(resources, PRIMARY_KEY_TYPES))
    findings: list[Finding] = []
    for replica in keys(resources, (REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE)):
        mine = data_class(replica)
        if mine is None:
            continue
        for primary in primaries_of_replica(replica, primaries):
            theirs = data_class(primary)
            if theirs is not None and theirs != mine:
                findings.append(
                    Finding(
                        f"replica key {replica.name!r} has {DATA_CLASS_TAG} {mine!r} but its primary "
                        f"{primary.name!r} has {theirs!r}; they share key material, so tag the replica "
                        f"{theirs!r}",
                        replica.urn,
                    )
                )
    return findings


def check(resources: Sequence[Resource], context: Context) -> Result:
    all_keys = keys(resources, ALL_KEY_TYPES)
    return violations(_alias_findings(resources, all_keys) + _replica_findings(resources))


RULE = StackRule(META, check)
