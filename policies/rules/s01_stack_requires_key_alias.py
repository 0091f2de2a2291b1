"""S1: every key has at least one alias that follows the naming convention."""

from __future__ import annotations

from collections.abc import Sequence

from ..facts import KEY_GENERATION_TAG, PRIMARY_KEY_TYPES, parse_conventional_alias
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
from ..rules.r10_alias_requires_naming_convention import ENVIRONMENTS_SCHEMA, configured_environments
from ..stack_links import KeyIndex, alias_name, aliases, keys, keys_of_alias

META = RuleMeta(
    id="KG-S01",
    name="kms-stack-requires-key-alias",
    title="Every key has a conventional alias",
    description=(
        "Every key (`aws.kms.Key`, `aws.kms.ExternalKey`) in the stack has at least one alias named "
        "`alias/<env>-<function>-<team>`. An alias belongs to a key when its `targetKeyId` or "
        "`targetKeyArn` equals the key's `id`, `keyId` or `arn`; when either side is unknown (preview), "
        "when the alias depends on the key, or else when both are children of the same component. "
        "Replica keys are not checked: their aliases are regional copies of the primary's. A retired "
        f"generation of a manually rotated key (a `{KEY_GENERATION_TAG}` tag, the same parent component as "
        "an aliased generation) is satisfied by that generation's alias: aliases move to the newest one."
    ),
    rationale=(
        "A key without a conventional alias can only be found by its generated id: nobody can tell which "
        "environment, function or team it serves, and it cannot be rotated by retargeting an alias."
    ),
    remediation="Create an `aws.kms.Alias` named `alias/<env>-<function>-<team>` targeting the key.",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/alias-about.html",
    severity=Severity.MEDIUM,
    resource_types=PRIMARY_KEY_TYPES,
    unknowns=(
        "Unknown key ids or alias targets fall back to the dependency graph or the shared parent "
        "component. An alias whose name is unknown does not count as conventional, so its key is blamed."
    ),
    frameworks=(PCI_KEY_ARCHITECTURE,),
    config_schema={"environments": ENVIRONMENTS_SCHEMA},
)


def check(resources: Sequence[Resource], context: Context) -> Result:
    environments = configured_environments(context)
    primaries = keys(resources, PRIMARY_KEY_TYPES)
    index = KeyIndex(primaries)
    aliased: set[str] = set()
    for alias in aliases(resources):
        name = alias_name(alias)
        if name is None or parse_conventional_alias(name, environments) is None:
            continue
        aliased.update(k.urn for k in keys_of_alias(alias, index))
    aliased_generations = {
        k.parent for k in primaries if k.urn in aliased and k.parent is not None and _generation(k)
    }
    aliased.update(k.urn for k in primaries if _generation(k) and k.parent in aliased_generations)
    return violations(
        [
            Finding(
                f"key {key.name!r} has no alias that follows alias/<env>-<function>-<team>; "
                "add an aws.kms.Alias with such a name targeting it",
                key.urn,
            )
            for key in primaries
            if key.urn not in aliased
        ]
    )


def _generation(key: Resource) -> bool:
    value = key.tags().get(KEY_GENERATION_TAG)
    return isinstance(value, str) and bool(value)


RULE = StackRule(META, check)
